package org.gloomeshupgrade.workflow;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import org.gloomeshupgrade.notify.GateKind;
import org.gloomeshupgrade.request.DurationText;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.slf4j.Logger;

/**
 * Step 9: networking stays at 0 until a person approves, by signal or update, or rejects. A
 * reminder goes out when the approval is overdue; past the time limit the run ends with networking
 * still at 0. The validator refuses an answer that does not fit the gate; the handlers only record
 * one that does.
 */
final class ApprovalGate {
  private static final Logger log = Workflow.getLogger(ApprovalGate.class);
  private static final Step STEP = Step.APPROVAL;

  private final UpgradeRun run;
  private final GateIds gates;
  private final RunPublisher publisher;
  private final ResumePlanner resume;
  private final StepRunner steps;
  private final RunNotifier notifier;
  private boolean awaiting;
  private Approval approval;
  private Approval rejection;

  ApprovalGate(
      UpgradeRun run,
      GateIds gates,
      RunPublisher publisher,
      ResumePlanner resume,
      StepRunner steps,
      RunNotifier notifier) {
    this.run = run;
    this.gates = gates;
    this.publisher = publisher;
    this.resume = resume;
    this.steps = steps;
    this.notifier = notifier;
  }

  /**
   * True when approved: by a person, by the request's policy, or in the run carried on. False when
   * rejected.
   */
  boolean approve() {
    RunBook book = run.book;
    if (!run.request().requireApproval()) {
      approval = new Approval("policy", "requireApproval is false in the request");
      book.approval(approval);
      book.skipped(STEP, "approved by policy: requireApproval is false");
      return true;
    }
    if (resume.carries(STEP)) {
      approval = resume.earlierApproval();
      book.approval(approval);
      steps.runOrCarry(STEP, () -> {});
      return true;
    }
    if (!awaitAnswer()) {
      UpgradeRequest request = run.request();
      String why =
          "nobody approved within %s: networking stays at 0 replicas; start a new run to finish the upgrade"
              .formatted(DurationText.format(request.approvalTimeout()));
      book.failed(STEP, why);
      book.end(RunState.FAILED);
      throw ApplicationFailure.newNonRetryableFailure(why, FailureTypes.APPROVAL_TIMEOUT);
    }
    Approval answer = rejection != null ? rejection : approval;
    notifier.answered(
        STEP,
        answer.gate() == null ? "" : answer.gate(),
        GateKind.APPROVAL,
        answer.by(),
        rejection != null ? "REJECTED" : "APPROVED",
        answer.reason());
    if (rejection != null) {
      String rejected = "rejected by %s: %s".formatted(rejection.by(), rejection.reason());
      book.failed(STEP, rejected);
      book.decision(rejected);
      return false;
    }
    book.approval(approval);
    book.detail(STEP, "approved by %s: %s".formatted(approval.by(), approval.reason()));
    book.succeeded(STEP);
    return true;
  }

  /**
   * Opens the gate and waits, with a reminder where the run has gate IDs; false when nobody
   * answered in time.
   */
  private boolean awaitAnswer() {
    UpgradeRequest request = run.request();
    RunBook book = run.book;
    String gate = gates.open(STEP);
    String awaited = awaited(gate);
    book.waitingForApproval(STEP, awaited);
    book.gate(gate);
    awaiting = true;
    List<String> commands = AnswerCommands.approval(Workflow.getInfo().getWorkflowId(), gate);
    notifier.gateOpened(
        STEP,
        gate,
        GateKind.APPROVAL,
        "networking stays at 0 replicas until a person approves%s"
            .formatted(request.approvers().isEmpty() ? "" : ", one of " + request.approvers()),
        commands);
    boolean answered;
    Duration reminder = request.approvalReminder();
    Duration timeout = request.approvalTimeout();
    if (!gate.isEmpty() && reminder.compareTo(timeout) < 0) {
      answered = Workflow.await(reminder, this::answered);
      if (!answered) {
        String nudge =
            "reminder: approval awaited for %s; the run ends, networking still at 0, in %s"
                .formatted(
                    DurationText.format(reminder), DurationText.format(timeout.minus(reminder)));
        log.warn("{}: {}: {}", STEP.label(), nudge, awaited);
        publisher.approvalOverdue(true);
        notifier.reminder(STEP, gate, nudge, commands);
        book.warn(nudge);
        book.waitingForApproval(STEP, nudge + ". " + awaited);
        book.gate(gate);
        answered = Workflow.await(timeout.minus(reminder), this::answered);
      }
    } else {
      answered = Workflow.await(timeout, this::answered);
    }
    awaiting = false;
    publisher.approvalOverdue(false);
    gates.close();
    book.doneWaiting();
    return answered;
  }

  private boolean answered() {
    return approval != null || rejection != null;
  }

  private String awaited(String gate) {
    String id = Workflow.getInfo().getWorkflowId();
    UpgradeRequest request = run.request();
    return """
        approval to scale networking up%s%s: gmu approve --workflow-id %s%s --by <you> --reason <why>, or temporal \
        workflow signal --workflow-id %s --name approve --input '{"by":"<you>","reason":"<why>"%s}'"""
        .formatted(
            gate.isEmpty() ? "" : " (gate " + gate + ")",
            request.approvers().isEmpty() ? "" : " by one of " + request.approvers(),
            id,
            gate.isEmpty() ? "" : " --gate " + gate,
            id,
            gate.isEmpty() ? "" : ",\"gate\":\"" + gate + "\"");
  }

  /** The approval given; null until then. */
  Approval approval() {
    return approval;
  }

  /** The rejection given; null unless a person rejected. */
  Approval rejection() {
    return rejection;
  }

  void approve(Approval a) {
    approval = a;
  }

  void reject(Approval r) {
    rejection = r;
  }

  /**
   * Null when {@code a} may answer the open approval (approve it, or when not {@code approving},
   * reject it).
   */
  String refusal(Approval a, boolean approving) {
    if (a == null || a.by() == null || a.by().isBlank()) {
      return "\"by\" is required: who approves or rejects";
    }
    if (!awaiting) {
      return "nothing is awaiting approval (run state %s)".formatted(run.book.state());
    }
    if (answered()) {
      return "the approval was already answered";
    }
    String gate = gates.refusal(a.gate());
    if (gate != null) {
      return gate;
    }
    return run.approvers().refusal(a.by(), approving, "approve it");
  }
}
