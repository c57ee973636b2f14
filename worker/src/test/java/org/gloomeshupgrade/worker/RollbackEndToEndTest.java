package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ROLLBACK on simulated clusters: what the run scaled down comes back up, and lost configuration comes back. */
class RollbackEndToEndTest {
  private static final ResourceDefinitionContext TRAFFIC_POLICIES = new ResourceDefinitionContext.Builder()
      .withGroup("networking.mesh.gloo.solo.io").withVersion("v1alpha2").withKind("TrafficPolicy")
      .withPlural("trafficpolicies").withNamespaced(true).build();

  private SimulatedGlooMesh sim;
  private UpgradeHarness harness;

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void aRollbackAfterAFailedStepPutsTheDeploymentsAndTheConfigurationBack() {
    sim = SimulatedGlooMesh.builder().managementCluster("mgmt").remoteClusters("cluster-1")
        .glooMeshVersion("0.10.10").deploymentDelay(Duration.ofMillis(100)).discoveryDelay(Duration.ofMillis(300))
        .build();
    harness = new UpgradeHarness(sim);
    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(mgmt);
    sim.faults("mgmt").failNext("DELETE", ".*/apis/discovery\\.mesh\\.gloo\\.solo\\.io/.*", 403, 100);
    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));

    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.currentStep()).isEqualTo(Step.DELETE_DISCOVERY);
    assertThat(replicas(mgmt, "networking")).isZero();
    assertThat(replicas(mgmt, "discovery")).isZero();
    // Meanwhile a policy is lost by hand.
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES).inNamespace("gloo-mesh").withName("mgmt-retries").delete();

    wf.decideNow(new StepDecision(Step.DELETE_DISCOVERY, Decision.ROLLBACK, "ops", "RBAC cannot be fixed today", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(report.summary()).contains("1 recreated").contains("discovery 0->1").contains("networking 0->1");
    assertThat(replicas(mgmt, "networking")).isEqualTo(1);
    assertThat(replicas(mgmt, "discovery")).isEqualTo(1);
    assertThat(mgmt.apps().deployments().inNamespace(sim.namespace()).withName("networking").get().getStatus()
        .getAvailableReplicas()).as("the scale activity waited for the pod").isEqualTo(1);
    ConfigurationSnapshot.assertUnchanged(before, ConfigurationSnapshot.capture(mgmt));
  }

  private int replicas(KubernetesClient mgmt, String deployment) {
    return mgmt.apps().deployments().inNamespace(sim.namespace()).withName(deployment).get().getSpec().getReplicas();
  }
}
