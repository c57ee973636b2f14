package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.gloomeshupgrade.deployments.ReplicasBeforeUpgrade;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A run rejected at the approval leaves networking at 0; the next fresh run brings it back to the
 * count it had before the first, not to the 0 it finds.
 */
class AbortedRunReplicasEndToEndTest {
  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  @Test
  void aFreshRunAfterARejectedOneBringsNetworkingBackToItsCountFromBeforeBoth() {
    SimulatedGlooMesh sim = simulation.simulate(SimulatedUpgrade.mgmtAndCluster1());
    UpgradeHarness harness = simulation.startHarness();
    KubernetesClient mgmt = sim.client("mgmt");
    mgmt.apps().deployments().inNamespace(sim.namespace()).withName("networking").scale(3);

    GlooMeshUpgradeWorkflow rejected = harness.start(harness.request("0.11.3"));
    UpgradeStatus waiting = awaitStatus(rejected, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    rejected.reject(new Approval("bob", "not today", waiting.gate()));
    assertThat(result(rejected).outcome()).isEqualTo(RunState.REJECTED);
    assertThat(networking(mgmt, sim).getSpec().getReplicas()).isZero();
    assertThat(ReplicasBeforeUpgrade.recorded(networking(mgmt, sim))).contains(3);

    GlooMeshUpgradeWorkflow next = harness.start(harness.request("0.11.3"));
    UpgradeStatus asked = awaitStatus(next, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(asked.warnings())
        .anyMatch(w -> w.contains("networking is at 0 replicas, left there by an earlier upgrade"));
    next.approve(new Approval("bob", "CHG-44", asked.gate()));
    UpgradeReport report = result(next);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    Deployment after = networking(mgmt, sim);
    assertThat(after.getSpec().getReplicas()).isEqualTo(3);
    assertThat(ReplicasBeforeUpgrade.recorded(after)).isEmpty();
  }

  private static Deployment networking(KubernetesClient mgmt, SimulatedGlooMesh sim) {
    return mgmt.apps().deployments().inNamespace(sim.namespace()).withName("networking").get();
  }
}
