package org.gloomeshupgrade.workflow;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.workflow.Async;
import io.temporal.workflow.ExternalWorkflowStub;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import org.gloomeshupgrade.fleet.PlaneChange;

/**
 * Tells the fleet that started this run (a parent) when the run starts running, waits at a gate,
 * needs a person or ends: the fleet cannot learn of a wait from the run's result, and a fleet
 * carried on by a later run of its own has no result of this run at all. Runs without a parent send
 * nothing, so every history recorded before fleets replays unchanged. The fleet hears of states and
 * gates, never of each step, so its history stays small.
 */
final class FleetReporter {
  private final UpgradeRun run;
  private ExternalWorkflowStub fleet;
  private String reported = "";
  private Promise<Void> last;

  FleetReporter(UpgradeRun run) {
    this.run = run;
  }

  /** Reads the parent once, when the run starts. */
  void start() {
    WorkflowInfo info = Workflow.getInfo();
    if (info.getParentWorkflowId().isPresent()) {
      fleet =
          Workflow.newUntypedExternalWorkflowStub(
              WorkflowExecution.newBuilder()
                  .setWorkflowId(info.getParentWorkflowId().get())
                  // The fleet's latest run, not the one that started this run: a fleet carried on
                  // by `gmu fleet resume` follows the runs its earlier run started.
                  .setRunId("")
                  .build());
    }
  }

  void report(UpgradeStatus now) {
    if (fleet == null || run.request() == null) {
      return;
    }
    // The state changes a moment before its gate opens: the fleet hears of the gate, once.
    boolean waits =
        now.state() == RunState.WAITING_FOR_APPROVAL || now.state() == RunState.NEEDS_ATTENTION;
    if (waits && now.gate().isEmpty()) {
      return;
    }
    String key = now.state() + "/" + now.gate();
    if (key.equals(reported)) {
      return;
    }
    reported = key;
    PlaneChange change =
        new PlaneChange(
            run.request().managementContext(),
            Workflow.getInfo().getRunId(),
            now.state(),
            now.currentStep(),
            now.gate(),
            now.attention(),
            now.verify() == null ? null : now.verify().overall());
    // Not awaited: a fleet that is gone (terminated, or carried on by a later run) must not
    // hold up or fail the upgrade.
    last = Async.procedure(fleet::signal, UpgradeNames.SIGNAL_PLANE_CHANGED, new Object[] {change});
    last.exceptionally(
        e -> {
          run.book.warn("the fleet could not be told of %s: %s".formatted(key, e.getMessage()));
          return null;
        });
  }

  /**
   * At the run's end: waits, at most {@link UpgradeActivityOptions#FLEET_REPORT_TIMEOUT}, until the
   * last report reached the fleet. Temporal drops a signal whose sender has closed, and a fleet
   * following a run it did not start learns of its end only from it.
   */
  void awaitLastReport() {
    if (last != null && !last.isCompleted()) {
      Workflow.await(UpgradeActivityOptions.FLEET_REPORT_TIMEOUT, last::isCompleted);
    }
  }
}
