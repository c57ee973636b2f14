package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.FixtureResources.TRAFFIC_POLICIES;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ROLLBACK on simulated clusters: what the run scaled down comes back up, and lost configuration
 * comes back.
 */
class RollbackEndToEndTest {
  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  @Test
  void aRollbackAfterAFailedStepPutsTheDeploymentsAndTheConfigurationBack() {
    SimulatedGlooMesh sim = simulation.simulate(SimulatedUpgrade.mgmtAndCluster1());
    UpgradeHarness harness = simulation.startHarness();
    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(mgmt);
    sim.faults("mgmt")
        .failNext("DELETE", ".*/apis/discovery\\.mesh\\.gloo\\.solo\\.io/.*", 403, 100);
    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));

    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.currentStep()).isEqualTo(Step.DELETE_DISCOVERY);
    assertThat(replicas(mgmt, "networking")).isZero();
    assertThat(replicas(mgmt, "discovery")).isZero();
    // Meanwhile a policy is lost by hand.
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace("gloo-mesh")
        .withName("mgmt-retries")
        .delete();

    wf.decideNow(
        new StepDecision(
            Step.DELETE_DISCOVERY,
            Decision.ROLLBACK,
            "ops",
            "RBAC cannot be fixed today",
            wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(report.summary())
        .contains("1 recreated")
        .contains("discovery 0->1")
        .contains("networking 0->1");
    assertThat(replicas(mgmt, "networking")).isEqualTo(1);
    assertThat(replicas(mgmt, "discovery")).isEqualTo(1);
    assertThat(
            mgmt.apps()
                .deployments()
                .inNamespace(sim.namespace())
                .withName("networking")
                .get()
                .getStatus()
                .getAvailableReplicas())
        .as("the scale activity waited for the pod")
        .isEqualTo(1);
    ConfigurationSnapshot.assertUnchanged(before, ConfigurationSnapshot.capture(mgmt));
  }

  private int replicas(KubernetesClient mgmt, String deployment) {
    return mgmt.apps()
        .deployments()
        .inNamespace(simulation.sim().namespace())
        .withName(deployment)
        .get()
        .getSpec()
        .getReplicas();
  }
}
