package org.gloomeshupgrade.cli;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * Why {@code gmu fleet resume} will not carry a fleet on, with its exit code (those of {@code gmu
 * resume}), saying what to do instead.
 */
record FleetResumeRefusal(int exitCode, String message) {
  /** Closed without finishing; a completed run still has to be judged by how it ended. */
  private static final Set<WorkflowExecutionStatus> CLOSED =
      EnumSet.of(
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);

  /**
   * @param outcome how a completed run ended, asked only of a completed run
   */
  static Optional<FleetResumeRefusal> of(String fleet, FleetRun run, Supplier<FleetState> outcome) {
    String named = "fleet %s (run %s)".formatted(fleet, run.runId());
    if (!UpgradeNames.FLEET_WORKFLOW_TYPE.equals(run.run().workflowType())) {
      return refuse(
          ResumeCommand.NOT_RESUMABLE,
          "workflow %s is a %s workflow, not a fleet upgrade (%s)"
              .formatted(
                  UpgradeNames.fleetWorkflowId(fleet),
                  run.run().workflowType(),
                  UpgradeNames.FLEET_WORKFLOW_TYPE));
    }
    if (run.open()) {
      return refuse(
          ResumeCommand.STILL_RUNNING,
          """
          %s is still running: gmu fleet status --fleet %s shows what it waits for; a halt is \
          answered with gmu fleet continue --fleet %s --action CONTINUE|RECHECK|STOP --by <you> \
          --reason <why>"""
              .formatted(named, fleet, fleet));
    }
    if (!CLOSED.contains(run.status())) {
      return refuse(
          ResumeCommand.NOT_RESUMABLE,
          "%s is %s: only a fleet that was terminated, failed, was canceled, timed out, or ended STOPPED or FINISHED_WITH_PROBLEMS can be carried on"
              .formatted(named, run.statusName()));
    }
    if (run.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
        && outcome.get() == FleetState.SUCCEEDED) {
      return refuse(
          ResumeCommand.NOT_RESUMABLE,
          "%s SUCCEEDED: there is nothing to carry on; a new fleet starts with gmu fleet start -f FILE"
              .formatted(named));
    }
    return Optional.empty();
  }

  private static Optional<FleetResumeRefusal> refuse(int exitCode, String message) {
    return Optional.of(new FleetResumeRefusal(exitCode, message));
  }
}
