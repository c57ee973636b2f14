package org.gloomeshupgrade.workflow;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import org.gloomeshupgrade.notify.GateKind;
import org.gloomeshupgrade.request.DurationText;
import org.gloomeshupgrade.request.UpgradeRequest;

/**
 * A failed step waits here for a person's decision (RETRY, SKIP, ACCEPT, ROLLBACK or ABORT), by
 * signal or update. The validator refuses a decision that does not fit the gate; the handlers only
 * record one that does.
 */
final class DecisionGate {
  private final UpgradeRun run;
  private final GateIds gates;
  private final RunNotifier notifier;
  private Step waiting;

  /** Whether the step waiting stopped on conformance problems, which a person may ACCEPT. */
  private boolean conformance;

  private StepDecision decision;

  DecisionGate(UpgradeRun run, GateIds gates, RunNotifier notifier) {
    this.run = run;
    this.gates = gates;
    this.notifier = notifier;
  }

  /**
   * Shows the run as needing attention at {@code step} and waits for a decision; past the attention
   * timeout the run ends as failed, leaving the mesh as it is.
   */
  StepDecision await(Step step, String why, boolean conformanceProblems) {
    UpgradeRequest request = run.request();
    String gate = gates.open(step);
    boolean heldToApprovers = run.decisionsHeldToApprovers();
    boolean rollbackOffered = step.compareTo(Step.SCALE_DOWN) >= 0 && !request.dryRun();
    String awaited =
        awaited(step, gate, conformanceProblems, rollbackOffered)
            + (heldToApprovers
                ? run.approvers().rule(step, conformanceProblems, rollbackOffered)
                : "");
    run.book.needsAttention(step, why, awaited);
    run.book.gate(gate);
    waiting = step;
    conformance = conformanceProblems;
    decision = null;
    GateKind kind =
        conformanceProblems
            ? GateKind.CONFORMANCE
            : clustersFailed(step) ? GateKind.FAILED_CLUSTERS : GateKind.FAILED_STEP;
    notifier.gateOpened(
        step,
        gate,
        kind,
        why,
        AnswerCommands.decision(
            Workflow.getInfo().getWorkflowId(),
            step,
            gate,
            open(step, conformanceProblems, rollbackOffered)));
    boolean decided = Workflow.await(request.attentionTimeout(), () -> decision != null);
    StepDecision d = decision;
    waiting = null;
    conformance = false;
    decision = null;
    gates.close();
    run.book.doneWaiting();
    if (!decided) {
      String msg =
          "%s failed and nobody decided within %s: %s. The mesh is left as it is%s"
              .formatted(
                  step.label(),
                  DurationText.format(request.attentionTimeout()),
                  why,
                  Messages.safeState(step));
      run.book.failed(step, msg);
      run.book.end(RunState.FAILED);
      throw ApplicationFailure.newNonRetryableFailure(msg, FailureTypes.NEEDS_ATTENTION_TIMEOUT);
    }
    notifier.answered(step, gate, kind, d.by(), d.decision().name(), d.reason());
    return d;
  }

  /** Whether step 7 stopped on clusters that failed, rather than before any cluster ran. */
  private boolean clustersFailed(Step step) {
    return step == Step.REREGISTER
        && run.book.snapshot().registrations().stream()
            .anyMatch(r -> r.state() == ClusterRegistration.State.FAILED);
  }

  /** The decisions a person may take at this gate, RETRY first. */
  private static List<Decision> open(
      Step step, boolean conformanceProblems, boolean rollbackOffered) {
    List<Decision> open = new ArrayList<>(List.of(Decision.RETRY));
    if (step.skippable()) {
      open.add(Decision.SKIP);
    }
    if (conformanceProblems) {
      open.add(Decision.ACCEPT);
    }
    if (rollbackOffered) {
      open.add(Decision.ROLLBACK);
    }
    open.add(Decision.ABORT);
    return open;
  }

  private String awaited(
      Step step, String gate, boolean conformanceProblems, boolean rollbackOffered) {
    String decide =
        "gmu decide --workflow-id %s --step %s%s"
            .formatted(
                Workflow.getInfo().getWorkflowId(),
                step.name(),
                gate.isEmpty() ? "" : " --gate " + gate);
    if (conformanceProblems) {
      return """
          a decision on the conformance problems of step %s: fix the resources, then re-check with %s \
          --decision RETRY --by <you>; or accept them with %s --decision ACCEPT --by <you> --reason <why>%s%s; \
          or ABORT"""
          .formatted(
              step.name(),
              decide,
              decide,
              step.skippable() ? "; or SKIP" : "",
              step.compareTo(Step.SCALE_DOWN) >= 0 ? "; or ROLLBACK" : "");
    }
    return "a decision for step %s (RETRY%s%s or ABORT%s): %s --decision RETRY --by <you>"
        .formatted(
            step.name(),
            step.skippable() ? ", SKIP" : "",
            rollbackOffered ? ", ROLLBACK" : "",
            step == Step.REREGISTER
                ? "; RETRY re-registers only the failed clusters, SKIP leaves them as they are, "
                    + "recorded on each"
                : "",
            decide);
  }

  void decide(StepDecision d) {
    decision = d;
  }

  /** Null when {@code d} answers the open decision gate; else why not, naming the field. */
  String refusal(StepDecision d) {
    if (d == null || d.decision() == null || d.step() == null) {
      return "\"step\" and \"decision\" (RETRY, SKIP or ABORT) are required";
    }
    if (d.by() == null || d.by().isBlank()) {
      return "\"by\" is required: who decides";
    }
    if (waiting == null) {
      return "no step is waiting for a decision (run state %s)".formatted(run.book.state());
    }
    if (d.step() != waiting) {
      return "the decision names step %s but step %s is the one waiting"
          .formatted(d.step(), waiting);
    }
    if (decision != null) {
      return "a decision for step %s was already recorded".formatted(waiting);
    }
    String gate = gates.refusal(d.gate());
    if (gate != null) {
      return gate;
    }
    return choiceRefusal(d);
  }

  private String choiceRefusal(StepDecision d) {
    Decision choice = d.decision();
    if (choice == Decision.ROLLBACK
        && (run.preflight() == null
            || run.request().dryRun()
            || run.book.state(Step.SCALE_DOWN) == StepState.PENDING)) {
      return "nothing has changed yet (step %s comes before the first change): ABORT ends the run"
          .formatted(waiting);
    }
    if (choice == Decision.ACCEPT && !conformance) {
      return "ACCEPT is for conformance problems only: step %s failed for another reason; RETRY%s or ABORT"
          .formatted(waiting, waiting.skippable() ? ", SKIP" : "");
    }
    if (choice == Decision.SKIP && !waiting.skippable()) {
      String instead =
          conformance
              ? "fix the resources and RETRY to re-check, ACCEPT the problems with a reason, or ABORT"
              : "it keeps the mesh safe; RETRY or ABORT";
      return "step %s cannot be skipped: %s".formatted(waiting, instead);
    }
    if (choice != Decision.RETRY && (d.reason() == null || d.reason().isBlank())) {
      return "\"reason\" is required to " + choice;
    }
    String needsApprover = ApproverPolicy.whyApproverNeeded(choice);
    if (needsApprover != null && run.decisionsKnownHeldToApprovers()) {
      String refusal = run.approvers().refusal(d.by(), true, "answer " + choice);
      if (refusal != null) {
        return "%s (%s, so it needs an approver; RETRY and ABORT are open to anyone)"
            .formatted(refusal, needsApprover);
      }
    }
    return null;
  }
}
