package org.gloomeshupgrade.workflow;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Runs each step of the runbook, records it, and when it fails stops the run at that step, visibly,
 * until a person decides. The one place a decision is acted on for the run as a whole: ABORT and
 * ROLLBACK end the run here, RETRY, SKIP and ACCEPT go back to the step that asked.
 */
final class StepRunner {
  private static final Logger log = Workflow.getLogger(StepRunner.class);

  private final UpgradeRun run;
  private final DecisionGate decisions;
  private final ResumePlanner resume;
  private final Rollback rollback;
  private final Cancellation cancellation;

  StepRunner(
      UpgradeRun run,
      DecisionGate decisions,
      ResumePlanner resume,
      Rollback rollback,
      Cancellation cancellation) {
    this.run = run;
    this.decisions = decisions;
    this.resume = resume;
    this.rollback = rollback;
    this.cancellation = cancellation;
  }

  /**
   * Runs {@code body} as {@code step}; after a failure, again on RETRY; null when a person skipped
   * it.
   */
  <T> T run(Step step, Supplier<T> body) {
    RunBook book = run.book;
    while (true) {
      book.running(step);
      log.info("{}: started", step.label());
      try {
        T result = body.get();
        // A conformance check a person skipped inside the step stays marked as skipped.
        if (book.state(step) != StepState.SKIPPED) {
          book.succeeded(step);
        }
        log.info("{}: succeeded", step.label());
        return result;
      } catch (ActivityFailure | ApplicationFailure e) {
        if (book.state().finished() || cancellation.handles()) {
          throw e;
        }
        String why = Messages.why(e);
        StepDecision d = decide(step, why, false);
        if (d.decision() == Decision.SKIP) {
          book.skipped(step, skippedAfter(d, why));
          return null;
        }
        log.info("{}: retry chosen by {}", step.label(), d.by());
      }
    }
  }

  /**
   * A step the earlier run did and whose end state still holds is recorded as such; any other runs.
   */
  void runOrCarry(Step step, Runnable body) {
    String holds = resume.stillHolds(step);
    if (holds == null) {
      run(
          step,
          () -> {
            body.run();
            return null;
          });
      return;
    }
    String by = resume.previous().describe();
    run.book.carried(step, "done by run %s; still holds: %s".formatted(by, holds));
    log.info("{}: done by run {}, still holds: {}", step.label(), by, holds);
  }

  /**
   * Waits for a person's decision on {@code step}, which failed for {@code why}, and records it.
   * ABORT and ROLLBACK end the run from here; RETRY and SKIP, and ACCEPT where {@code conformance}
   * problems stopped the step, return.
   */
  StepDecision decide(Step step, String why, boolean conformance) {
    log.warn("{}: needs attention: {}", step.label(), why);
    StepDecision d = decisions.await(step, why, conformance);
    run.book.decision(Messages.decision(d));
    return switch (d.decision()) {
      case RETRY, SKIP -> d;
      case ACCEPT -> {
        if (!conformance) {
          throw new IllegalStateException("ACCEPT is refused outside a conformance review");
        }
        yield d;
      }
      case ABORT -> throw abort(step, d);
      case ROLLBACK -> throw rollback.rollBack(step, d);
    };
  }

  /** What a skipped step's record says. */
  static String skippedAfter(StepDecision d, String why) {
    return "skipped by %s: %s (after: %s)".formatted(d.by(), d.reason(), why);
  }

  private ApplicationFailure abort(Step step, StepDecision d) {
    String msg =
        "aborted by %s at %s: %s. The mesh is left as it is%s"
            .formatted(d.by(), step.label(), d.reason(), Messages.safeState(step));
    run.book.failed(step, msg);
    run.book.end(RunState.ABORTED);
    return ApplicationFailure.newNonRetryableFailure(msg, FailureTypes.ABORTED);
  }
}
