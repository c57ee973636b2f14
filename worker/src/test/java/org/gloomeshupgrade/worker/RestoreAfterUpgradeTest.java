package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.gloomeshupgrade.worker.FixtureResources.MGMT_RETRIES;
import static org.gloomeshupgrade.worker.FixtureResources.TRAFFIC_POLICIES;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitRestore;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.restoreResult;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.backup.RestoreRequest;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.backup.RestoreState;
import org.gloomeshupgrade.backup.RestoreStatus;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.ExpectedChange;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The restore workflow, as `gmu restore` starts it, puts back what an upgrade saved before its
 * first change, once someone the approver rules allow approves it: it writes over live
 * configuration, like a rollback.
 */
class RestoreAfterUpgradeTest {
  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  private KubernetesClient mgmt;
  private ConfigurationSnapshot beforeUpgrade;
  private String backupId;

  /** An upgrade rejected at the approval, then a policy lost by hand. */
  @BeforeEach
  void anUpgradeSavedTheConfigurationThenAPolicyWasLost() {
    SimulatedGlooMesh sim = simulation.simulate(SimulatedUpgrade.mgmtAndCluster1());
    UpgradeHarness harness = simulation.startHarness();
    mgmt = sim.client("mgmt");
    beforeUpgrade = ConfigurationSnapshot.capture(mgmt);
    GlooMeshUpgradeWorkflow upgrade = harness.start(harness.request("0.11.3"));
    awaitStatus(upgrade, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    upgrade.reject(new Approval("bob", "rolling back", upgrade.status().gate()));
    UpgradeReport rejected = UpgradeHarness.result(upgrade);
    assertThat(rejected.backup()).contains("gmu-backup-");
    backupId = upgrade.status().backupId();
    assertThat(backupId).startsWith(UpgradeHarness.ID + "@");
    ConfigurationSnapshot.assertUnchanged(beforeUpgrade, ConfigurationSnapshot.capture(mgmt));
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace("gloo-mesh")
        .withName("mgmt-retries")
        .delete();
    assertPolicyStillLost();
  }

  @Test
  void aRestoreApprovedBySomeoneElseBringsBackWhatTheUpgradeSavedAndASecondChangesNothing() {
    GlooMeshRestoreWorkflow restore = start(request("alice", List.of(), false));
    RestoreStatus waiting = awaitRestore(restore, RestoreState.AWAITING_APPROVAL);
    assertThat(waiting.awaiting())
        .contains("approval to restore backup " + backupId)
        .contains("other than alice")
        .contains("gmu approve --workflow-id " + UpgradeNames.restoreWorkflowId(backupId));
    assertPolicyStillLost();

    assertThat(restore.approveNow(new Approval("bob", "CHG-1", waiting.gate())))
        .contains("approved by bob");
    RestoreResult restored = restoreResult(restore);

    assertThat(restored.backupId()).isEqualTo(backupId);
    assertThat(restored.created()).containsExactly("TrafficPolicy gloo-mesh/mgmt-retries");
    ConfigurationSnapshot.assertUnchanged(beforeUpgrade, ConfigurationSnapshot.capture(mgmt));
    RestoreResult again = restoreResult(start(request("alice", List.of(), true)));
    assertThat(again.created()).isEmpty();
    assertThat(again.updated()).isEmpty();
    ConfigurationSnapshot.assertUnchanged(beforeUpgrade, ConfigurationSnapshot.capture(mgmt));
  }

  @Test
  void theRequesterAloneCannotApproveARestoreUnlessSelfApprovalIsAllowed() {
    GlooMeshRestoreWorkflow restore = start(request("alice", List.of(), false));
    RestoreStatus waiting = awaitRestore(restore, RestoreState.AWAITING_APPROVAL);

    assertThatThrownBy(() -> restore.approveNow(new Approval("alice", "mine", waiting.gate())))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining(
            "alice requested this restore and may not approve it (allowSelfApproval is false):"
                + " another approver must");
    restore.approve(new Approval("alice", "by signal", waiting.gate()));
    assertThat(restore.status().state()).isEqualTo(RestoreState.AWAITING_APPROVAL);
    assertPolicyStillLost();
    restore.rejectNow(new Approval("alice", "asked by mistake", waiting.gate()));
    assertThat(failureOf(restore).getType()).isEqualTo(FailureTypes.REJECTED);
    assertThat(restore.status().state()).isEqualTo(RestoreState.REJECTED);
    assertPolicyStillLost();

    RestoreResult selfApproved = restoreResult(start(request("alice", List.of(), true)));
    assertThat(selfApproved.created()).containsExactly("TrafficPolicy gloo-mesh/mgmt-retries");
  }

  @Test
  void onlySomeoneOnTheApproverListMayApproveARestore() {
    GlooMeshRestoreWorkflow restore = start(request("alice", List.of("carol", "alice"), true));
    // alice is on the list and may approve her own: the restore runs without a gate.
    assertThat(restoreResult(restore).created()).hasSize(1);
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace("gloo-mesh")
        .withName("mgmt-retries")
        .delete();

    GlooMeshRestoreWorkflow byDave = start(request("dave", List.of("carol"), true));
    RestoreStatus waiting = awaitRestore(byDave, RestoreState.AWAITING_APPROVAL);
    assertThat(waiting.awaiting()).contains("by one of [carol]");
    assertThatThrownBy(() -> byDave.approveNow(new Approval("bob", "me too", waiting.gate())))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("bob is not on the approver list [carol]");
    assertThatThrownBy(() -> byDave.approveNow(new Approval("carol", "ok", "another-gate")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("gate another-gate is not open");
    assertPolicyStillLost();
    byDave.approveNow(new Approval("Carol", "CHG-2", waiting.gate()));
    assertThat(restoreResult(byDave).created())
        .containsExactly("TrafficPolicy gloo-mesh/mgmt-retries");
    assertThat(byDave.status().approval().by()).isEqualTo("Carol");
  }

  @Test
  void aRestoreNobodyApprovesEndsWithoutAChange() {
    RestoreRequest quick =
        new RestoreRequest("mgmt", "", backupId, "alice", "CHG-3", List.of(), false, "1s");
    GlooMeshRestoreWorkflow restore = start(quick);
    ApplicationFailure failure = failureOf(restore);
    assertThat(failure.getType()).isEqualTo(FailureTypes.APPROVAL_TIMEOUT);
    assertThat(failure.getOriginalMessage()).contains("nothing was changed");
    assertPolicyStillLost();
  }

  @Test
  void aRestoreRequestWithoutARequesterOrWithABadTimeoutIsRefusedNamingTheField() {
    assertThat(
            failureOf(start(new RestoreRequest("mgmt", "", backupId, " ", "", List.of(), true, "")))
                .getOriginalMessage())
        .startsWith("requestedBy: required");
    assertThat(
            failureOf(
                    start(
                        new RestoreRequest(
                            "mgmt", "", backupId, "alice", "", List.of(), true, "soon")))
                .getOriginalMessage())
        .startsWith("approvalTimeout: soon is not a duration");
    assertThat(
            failureOf(start(new RestoreRequest("mgmt", "", "", "alice", "", List.of(), true, "")))
                .getOriginalMessage())
        .startsWith("backupId: required");
    assertPolicyStillLost();
  }

  private RestoreRequest request(String by, List<String> approvers, boolean selfApproval) {
    return new RestoreRequest("mgmt", "", backupId, by, "CHG-1", approvers, selfApproval, "");
  }

  private GlooMeshRestoreWorkflow start(RestoreRequest request) {
    return simulation.harness().startRestore(request);
  }

  private static ApplicationFailure failureOf(GlooMeshRestoreWorkflow restore) {
    WorkflowFailedException failed =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            WorkflowFailedException.class, () -> restoreResult(restore));
    assertThat(failed).as("the restore failed").isNotNull();
    return (ApplicationFailure) failed.getCause();
  }

  private void assertPolicyStillLost() {
    ConfigurationSnapshot.assertChangedExactly(
        beforeUpgrade,
        ConfigurationSnapshot.capture(mgmt),
        ExpectedChange.resourceRemoved(MGMT_RETRIES));
  }
}
