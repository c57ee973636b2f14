package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.FixtureResources.MGMT_RETRIES;
import static org.gloomeshupgrade.worker.FixtureResources.TRAFFIC_POLICIES;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.client.WorkflowOptions;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.backup.RestoreInput;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.ExpectedChange;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The restore workflow, as `gmu restore` starts it, puts back what an upgrade saved before its
 * first change.
 */
class RestoreAfterUpgradeTest {
  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  @Test
  void aRestoreRunByTheWorkerBringsBackWhatTheUpgradeSaved() {
    SimulatedGlooMesh sim = simulation.simulate(SimulatedUpgrade.mgmtAndCluster1());
    UpgradeHarness harness = simulation.startHarness();
    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot beforeUpgrade = ConfigurationSnapshot.capture(mgmt);
    GlooMeshUpgradeWorkflow upgrade = harness.start(harness.request("0.11.3"));
    awaitStatus(upgrade, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    upgrade.reject(new Approval("bob", "rolling back", upgrade.status().gate()));
    UpgradeReport rejected = result(upgrade);
    assertThat(rejected.backup()).contains("gmu-backup-");
    ConfigurationSnapshot.assertUnchanged(beforeUpgrade, ConfigurationSnapshot.capture(mgmt));
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace("gloo-mesh")
        .withName("mgmt-retries")
        .delete();
    ConfigurationSnapshot.assertChangedExactly(
        beforeUpgrade,
        ConfigurationSnapshot.capture(mgmt),
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
    GlooMeshRestoreWorkflow restore =
        simulation
            .harness()
            .client
            .newWorkflowStub(
                GlooMeshRestoreWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(UpgradeNames.restoreWorkflowId(UpgradeHarness.ID))
                    .setTaskQueue(UpgradeNames.TASK_QUEUE)
                    .build());
    return restore.restore(new RestoreInput("mgmt", "", UpgradeHarness.ID));
  }
}
