package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.backup.RestoreInput;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.ExpectedChange;
import org.gloomeshupgrade.testkit.ResourceKey;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The restore workflow, as `gmu restore` starts it, puts back what an upgrade saved before its first change. */
class RestoreAfterUpgradeTest {
  private static final ResourceDefinitionContext TRAFFIC_POLICIES = new ResourceDefinitionContext.Builder()
      .withGroup("networking.mesh.gloo.solo.io").withVersion("v1alpha2").withKind("TrafficPolicy")
      .withPlural("trafficpolicies").withNamespaced(true).build();
  private static final ResourceKey MGMT_RETRIES = ResourceKey.namespaced("networking.mesh.gloo.solo.io",
      "TrafficPolicy", "gloo-mesh", "mgmt-retries");

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
  void aRestoreRunByTheWorkerBringsBackWhatTheUpgradeSaved() {
    sim = SimulatedGlooMesh.builder().managementCluster("mgmt").remoteClusters("cluster-1")
        .glooMeshVersion("0.10.10").deploymentDelay(Duration.ofMillis(100)).discoveryDelay(Duration.ofMillis(300))
        .build();
    harness = new UpgradeHarness(sim);
    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot beforeUpgrade = ConfigurationSnapshot.capture(mgmt);
    GlooMeshUpgradeWorkflow upgrade = harness.start(harness.request("0.11.3"));
    awaitStatus(upgrade, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    upgrade.reject(new Approval("bob", "rolling back", upgrade.status().gate()));
    UpgradeReport rejected = result(upgrade);
    assertThat(rejected.backup()).contains("gmu-backup-");
    ConfigurationSnapshot.assertUnchanged(beforeUpgrade, ConfigurationSnapshot.capture(mgmt));
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES).inNamespace("gloo-mesh").withName("mgmt-retries").delete();
    ConfigurationSnapshot.assertChangedExactly(beforeUpgrade, ConfigurationSnapshot.capture(mgmt),
        ExpectedChange.resourceRemoved(MGMT_RETRIES));

    RestoreResult restored = restore();

    assertThat(restored.backupId()).isEqualTo(UpgradeHarness.ID);
    assertThat(restored.created()).containsExactly("TrafficPolicy gloo-mesh/mgmt-retries");
    ConfigurationSnapshot.assertUnchanged(beforeUpgrade, ConfigurationSnapshot.capture(mgmt));
    RestoreResult again = restore();
    assertThat(again.created()).isEmpty();
    assertThat(again.updated()).isEmpty();
    ConfigurationSnapshot.assertUnchanged(beforeUpgrade, ConfigurationSnapshot.capture(mgmt));
  }

  private RestoreResult restore() {
    GlooMeshRestoreWorkflow restore = harness.client.newWorkflowStub(GlooMeshRestoreWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(UpgradeNames.restoreWorkflowId(UpgradeHarness.ID))
            .setTaskQueue(UpgradeNames.TASK_QUEUE).build());
    return restore.restore(new RestoreInput("mgmt", "", UpgradeHarness.ID));
  }
}
