package org.gloomeshupgrade.workflow;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import org.gloomeshupgrade.deployments.ScaleResult;
import org.slf4j.Logger;

/**
 * A cancel a person asked for, from the Temporal UI or CLI. The activity in flight has ended by
 * then (activities wait for their cancellation to complete); what is left is done in a scope the
 * cancel cannot reach: networking is scaled to 0 again when this run had brought it down and no
 * approval was given, and the run's record (status, search attributes, memo) says CANCELLED, so
 * that a later run can carry it on.
 */
final class Cancellation {
  private static final Logger log = Workflow.getLogger(Cancellation.class);

  private final UpgradeRun run;

  Cancellation(UpgradeRun run) {
    this.run = run;
  }

  /**
   * True when the run is being cancelled and handles it so. Runs recorded before the change went on
   * as for a failed step, and replay so.
   */
  boolean handles() {
    return CancellationScope.current().isCancelRequested()
        && run.versions.applies(Change.CANCELLATION);
  }

  /** Cleans up and records the cancel; returns the failure that ends the workflow cancelled. */
  CanceledFailure end() {
    RunBook book = run.book;
    Step step = book.snapshot().currentStep();
    StringBuilder summary = new StringBuilder();
    Workflow.newDetachedCancellationScope(
            () -> {
              summary.append("cancelled at %s%s".formatted(step.label(), keepNetworkingDown(step)));
              book.failed(step, summary.toString());
              book.end(RunState.CANCELLED);
            })
        .run();
    log.warn("{}", summary);
    return new CanceledFailure(summary.toString());
  }

  /** Networking back at 0 when this run had brought it down and nobody approved yet. */
  private String keepNetworkingDown(Step step) {
    boolean down = step.compareTo(Step.SCALE_DOWN) >= 0 && step.compareTo(Step.NETWORKING) < 0;
    if (!down || run.book.snapshot().approval() != null || run.preflight() == null) {
      return Messages.safeState(step);
    }
    String ctx = run.preflight().context();
    try {
      ScaleResult n =
          run.on(step).deployments.scale(run.scale(ctx, run.request().networkingDeployment(), 0));
      return "; %s (networking stays at 0 replicas until a run that carries this one on is approved)."
          .formatted(Messages.describe(n));
    } catch (ActivityFailure e) {
      return "; networking could not be checked at 0 replicas: %s. Check it before anything else."
          .formatted(Messages.why(e));
    }
  }
}
