package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.gloomeshupgrade.workflow.UpgradeRig.result;

import io.temporal.client.WorkflowUpdateException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ROLLBACK after a failed step: the configuration from the backup, then the deployments as they
 * were.
 */
class RollbackTest {
  private static final String DISCOVERY_NEVER_SETTLES =
      "{\"targetVersion\":\"0.11.3\",\"discoveryTimeout\":\"1m\","
          + "\"discoverySettleWindow\":\"30s\"}";

  private final UpgradeRig rig = new UpgradeRig();
  private final FakeMesh mesh = rig.mesh;

  @AfterEach
  void stop() {
    rig.close();
  }

  @Test
  void rollbackRestoresTheBackupThenScalesBothDeploymentsBackAndEndsTheRun() throws Exception {
    mesh.discoveryComesBack.set(false);
    GlooMeshUpgradeWorkflow wf = rig.start(DISCOVERY_NEVER_SETTLES);
    UpgradeStatus stuck = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.awaiting()).contains("ROLLBACK");
    assertThat(mesh.replicas).containsEntry("networking", 0);
    int callsBefore = mesh.calls.size();

    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.DISCOVERY, Decision.ROLLBACK, "erin", "", wf.status().gate())))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("\"reason\" is required to ROLLBACK");
    wf.decideNow(
        new StepDecision(
            Step.DISCOVERY,
            Decision.ROLLBACK,
            "erin",
            "discovery broken on 0.11.3",
            wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(mesh.calls.subList(callsBefore, mesh.calls.size()))
        .containsExactly(
            "restore " + UpgradeRig.backupIdOf(wf), "scale discovery 1", "scale networking 1");
    assertThat(mesh.replicas).containsEntry("discovery", 1).containsEntry("networking", 1);
    assertThat(report.summary())
        .startsWith(
            "rolled back by erin at step 8 (discovery): discovery broken on 0.11.3. "
                + "configuration restored from the backup (0 recreated, 0 put back, 2 already as saved)")
        .contains("networking 0->1")
        .contains("to undo the control-plane step: helm rollback gloo-mesh 3 -n gloo-mesh");
    assertThat(report.decisions())
        .containsExactly("DISCOVERY: ROLLBACK by erin (discovery broken on 0.11.3)");
    assertThat(wf.status().state()).isEqualTo(RunState.ROLLED_BACK);
  }

  @Test
  void rollbackIsRefusedBeforeAnythingChanged() throws Exception {
    mesh.crdSourceProblem = "CRD source /crds lacks group rbac.enterprise.mesh.gloo.solo.io";
    GlooMeshUpgradeWorkflow wf = rig.start("{\"targetVersion\":\"0.11.3\"}");
    UpgradeStatus stuck = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.awaiting()).doesNotContain("ROLLBACK");

    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.TOOLING, Decision.ROLLBACK, "erin", "undo", wf.status().gate())))
        .rootCause()
        .hasMessageContaining(
            "nothing has changed yet (step TOOLING comes before the first change): "
                + "ABORT ends the run");
    assertThat(mesh.mutatingCalls()).isEmpty();
  }

  @Test
  void aRollbackThatCannotFinishEndsTheRunSayingWhatIsLeftToDo() throws Exception {
    mesh.discoveryComesBack.set(false);
    mesh.restoreFails = true;
    GlooMeshUpgradeWorkflow wf = rig.start(DISCOVERY_NEVER_SETTLES);
    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    wf.decide(
        new StepDecision(Step.DISCOVERY, Decision.ROLLBACK, "erin", "undo", wf.status().gate()));

    var failure = UpgradeRig.failureOf(wf);
    assertThat(failure.getType()).isEqualTo(FailureTypes.ROLLBACK_FAILED);
    assertThat(failure.getOriginalMessage())
        .contains("the rollback chosen by erin at step 8 failed")
        .contains("backup Secrets gone")
        .contains("gmu restore --backup " + UpgradeRig.backupIdOf(wf) + " --reason <why>");
    assertThat(mesh.replicas)
        .as("nothing scaled up after the restore failed")
        .containsEntry("networking", 0);
  }
}
