package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.gloomeshupgrade.workflow.UpgradeRig.result;

import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Approvals people can trust: the right person, for the open gate only, reminded, and ended safely.
 */
class ApprovalGatesTest {
  private static final String GUARDED =
      "{\"targetVersion\":\"0.11.3\",\"approvers\":[\"alice\",\"bob\"],"
          + "\"requestedBy\":\"bob\"}";

  private final UpgradeRig rig = new UpgradeRig();
  private final FakeMesh mesh = rig.mesh;

  @AfterEach
  void stop() {
    rig.close();
  }

  @Test
  void theRequesterAndAnyoneOffTheListAreRefusedAndAListedOtherApproves() throws Exception {
    GlooMeshUpgradeWorkflow wf = rig.start(GUARDED);
    String gate = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();

    assertThatThrownBy(() -> wf.approveNow(new Approval("bob", "my own change", gate)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining(
            "bob requested this upgrade and may not approve it (allowSelfApproval is false)");
    assertThatThrownBy(() -> wf.approveNow(new Approval("mallory", "looks fine", gate)))
        .rootCause()
        .hasMessageContaining("mallory is not on the approver list [alice, bob]");
    wf.approve(new Approval("mallory", "by signal", gate));
    assertThat(wf.status().warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .isEqualTo(
                        "approve signal ignored: mallory is not on the approver list [alice, bob]"));
    assertThat(mesh.calls).doesNotContain("scale networking 1");

    assertThat(wf.approveNow(new Approval("Alice", "CHG-7", gate))).contains("approved by Alice");
    UpgradeReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.approval().by()).isEqualTo("Alice");
  }

  @Test
  void theRequesterMayApproveWhenTheRequestAllowsIt() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"requestedBy\":\"bob\","
                + "\"allowSelfApproval\":true}");
    String gate = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();

    wf.approveNow(new Approval("bob", "single-person team", gate));

    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void skippingAFailedStepNeedsAnApproverWhileARetryIsOpenToAnyone() throws Exception {
    mesh.failingClusters.add("cluster-1");
    GlooMeshUpgradeWorkflow wf = rig.start(GUARDED);
    UpgradeStatus stuck = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.currentStep()).isEqualTo(Step.REREGISTER);
    assertThat(stuck.awaiting())
        .endsWith(
            ". SKIP and ROLLBACK count as approvals (SKIP goes past a failed check; "
                + "ROLLBACK scales networking back up without the approval): only one of [alice, bob], not bob, who "
                + "requested the upgrade");

    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.REREGISTER,
                        Decision.SKIP,
                        "mallory",
                        "cluster retired",
                        stuck.gate())))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining(
            "mallory is not on the approver list [alice, bob] (SKIP goes past a failed check, so "
                + "it needs an approver; RETRY and ABORT are open to anyone)");
    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.REREGISTER, Decision.SKIP, "bob", "cluster retired", stuck.gate())))
        .rootCause()
        .hasMessageContaining(
            "bob requested this upgrade and may not answer SKIP (allowSelfApproval is false)");
    // A rollback brings networking back up, which is what the approval guards.
    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.REREGISTER,
                        Decision.ROLLBACK,
                        "mallory",
                        "back to how it was",
                        stuck.gate())))
        .rootCause()
        .hasMessageContaining(
            "mallory is not on the approver list [alice, bob] (ROLLBACK scales networking back up without the approval, "
                + "so it needs an approver; RETRY and ABORT are open to anyone)");
    wf.decide(
        new StepDecision(Step.REREGISTER, Decision.SKIP, "mallory", "by signal", stuck.gate()));
    assertThat(wf.status().warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "decide signal ignored: mallory is not on the approver list [alice, bob]"));
    assertThat(wf.status().state()).isEqualTo(RunState.NEEDS_ATTENTION);

    wf.decideNow(new StepDecision(Step.REREGISTER, Decision.RETRY, "mallory", "", stuck.gate()));
    UpgradeStatus again =
        rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION && !s.gate().equals(stuck.gate()));
    wf.decideNow(
        new StepDecision(
            Step.REREGISTER, Decision.SKIP, "Alice", "cluster-1 is being retired", again.gate()));
    String approval = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
    wf.approveNow(new Approval("alice", "CHG-9", approval));

    UpgradeReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.decisions())
        .containsExactly(
            "REREGISTER: RETRY by mallory",
            "REREGISTER: SKIP by Alice (cluster-1 is being retired)");
  }

  @Test
  void theRequesterMayNotAcceptConformanceProblemsOfTheirOwnUpgradeUnlessTheRequestAllowsIt()
      throws Exception {
    mesh.conformanceProblems.add(
        new ConformanceProblem("TrafficPolicy", "a", "b", "$.spec.x", "unknown", "remove"));
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"requireApproval\":false,"
                + "\"requestedBy\":\"bob\"}");
    String review = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
    assertThat(wf.status().awaiting())
        .endsWith(
            ". SKIP, ACCEPT and ROLLBACK count as approvals (SKIP and ACCEPT go "
                + "past a failed check; ROLLBACK scales networking back up without the approval): not bob, who requested the "
                + "upgrade");

    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(Step.CONFORMANCE, Decision.ACCEPT, "bob", "mine", review)))
        .rootCause()
        .hasMessageContaining("bob requested this upgrade and may not answer ACCEPT");
    wf.decideNow(
        new StepDecision(Step.CONFORMANCE, Decision.ACCEPT, "carol", "field unused", review));
    assertThat(result(wf).decisions())
        .containsExactly("CONFORMANCE: ACCEPT by carol (field unused)");
  }

  @Test
  void withSelfApprovalAllowedAndNoApproverListAnyoneMaySkip() throws Exception {
    mesh.failingClusters.add("cluster-1");
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"requireApproval\":false,"
                + "\"requestedBy\":\"bob\",\"allowSelfApproval\":true}");
    UpgradeStatus stuck = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.awaiting()).doesNotContain("approval");

    wf.decideNow(new StepDecision(Step.REREGISTER, Decision.SKIP, "bob", "retired", stuck.gate()));

    assertThat(result(wf).decisions()).containsExactly("REREGISTER: SKIP by bob (retired)");
  }

  @Test
  void anAnswerForAnEarlierGateIsRefusedAtALaterOne() throws Exception {
    mesh.conformanceProblems.add(
        new ConformanceProblem("TrafficPolicy", "a", "b", "$.spec.x", "unknown", "remove"));
    GlooMeshUpgradeWorkflow wf = rig.start("{\"targetVersion\":\"0.11.3\"}");
    String review = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
    assertThat(review).startsWith("conformance-");
    // an answer that names no gate, as a signal from before gates had IDs
    assertThatThrownBy(
            () ->
                wf.decideNow(new StepDecision(Step.CONFORMANCE, Decision.RETRY, "carol", "", null)))
        .rootCause()
        .hasMessageContaining("\"gate\" is required: the open gate is " + review);
    mesh.conformanceProblems.clear();
    wf.decideNow(new StepDecision(Step.CONFORMANCE, Decision.RETRY, "carol", "", review));

    String approvalGate = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
    assertThat(approvalGate).isNotEqualTo(review).startsWith("approval-");
    assertThatThrownBy(() -> wf.approveNow(new Approval("carol", "carried over", review)))
        .rootCause()
        .hasMessageContaining(
            "the answer names gate " + review + ", but the open gate is " + approvalGate);
    assertThatThrownBy(() -> wf.approveNow(new Approval("carol", "no gate")))
        .rootCause()
        .hasMessageContaining("\"gate\" is required");
    wf.approve(new Approval("carol", "carried over by a reset", review));
    rig.env.sleep(Duration.ofMinutes(5));
    assertThat(wf.status().state()).isEqualTo(RunState.WAITING_FOR_APPROVAL);
    assertThat(mesh.calls).doesNotContain("scale networking 1");
  }

  @Test
  void aReminderComesAfterTheReminderWaitAndTheTimeLimitEndsTheRunWithNetworkingAtZero()
      throws Exception {
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"approvalReminder\":\"2h\","
                + "\"approvalTimeout\":\"6h\"}");
    rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);

    rig.env.sleep(Duration.ofMinutes(119));
    assertThat(wf.status().warnings()).noneMatch(w -> w.startsWith("reminder"));
    assertThat(overdue(wf)).isFalse();
    rig.env.sleep(Duration.ofMinutes(2));
    UpgradeStatus reminded = wf.status();
    assertThat(reminded.warnings())
        .contains(
            "reminder: approval awaited for 2h; the run ends, networking still at 0," + " in 4h");
    assertThat(reminded.awaiting()).startsWith("reminder: approval awaited for 2h");
    assertThat(reminded.state()).isEqualTo(RunState.WAITING_FOR_APPROVAL);
    assertThat(overdue(wf)).as("GlooMeshApprovalOverdue after the reminder").isTrue();

    rig.env.sleep(Duration.ofHours(4));
    assertThat(UpgradeRig.failureOf(wf).getType()).isEqualTo(FailureTypes.APPROVAL_TIMEOUT);
    assertThat(mesh.replicas).containsEntry("networking", 0);
    assertThat(overdue(wf)).as("no longer awaited").isFalse();
  }

  @Test
  void anApprovalAfterTheReminderClearsTheOverdueSearchAttribute() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        rig.start("{\"targetVersion\":\"0.11.3\",\"approvalReminder\":\"1h\"}");
    rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    rig.env.sleep(Duration.ofMinutes(61));
    assertThat(overdue(wf)).isTrue();

    wf.approve(new Approval("olga", "late but fine", wf.status().gate()));
    assertThat(UpgradeRig.result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(overdue(wf)).isFalse();
  }

  private static Boolean overdue(GlooMeshUpgradeWorkflow wf) {
    return WorkflowStub.fromTyped(wf)
        .describe()
        .getTypedSearchAttributes()
        .get(UpgradeSearchAttributes.APPROVAL_OVERDUE);
  }
}
