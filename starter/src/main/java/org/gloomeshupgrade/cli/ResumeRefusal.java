package org.gloomeshupgrade.cli;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.gloomeshupgrade.resume.EarlierRun;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * Why {@code gmu resume} will not carry a run on, with its exit code. The workflow refuses the same
 * runs itself, but only once a new run has started and failed; here the refusal comes first and
 * says what to do instead.
 */
record ResumeRefusal(int exitCode, String message) {
  /**
   * Closed without finishing the upgrade; a completed run still has to be judged by how it ended.
   */
  private static final Set<WorkflowExecutionStatus> CLOSED =
      EnumSet.of(
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);

  /** End states that leave nothing to carry on. */
  private static final Set<RunState> NOTHING_LEFT =
      EnumSet.of(RunState.SUCCEEDED, RunState.DRY_RUN_COMPLETE, RunState.ROLLED_BACK);

  static Optional<ResumeRefusal> of(EarlierRun run) {
    String named = "run " + run.name();
    if (!UpgradeNames.WORKFLOW_TYPE.equals(run.workflowType())) {
      return refuse(
          ResumeCommand.NOT_RESUMABLE,
          named
              + " is a "
              + run.workflowType()
              + " workflow, not a Gloo Mesh "
              + "upgrade ("
              + UpgradeNames.WORKFLOW_TYPE
              + ")");
    }
    if (run.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return refuse(
          ResumeCommand.STILL_RUNNING,
          named
              + " is still running: answer what it waits for (gmu status -w "
              + run.workflowId()
              + " shows it and the command), or terminate it, before carrying it on");
    }
    if (!CLOSED.contains(run.status())) {
      return refuse(
          ResumeCommand.NOT_RESUMABLE,
          named
              + " is "
              + run.statusName()
              + ": only a run that completed "
              + "without succeeding, failed, was terminated, timed out or was canceled can be carried on");
    }
    if (run.point() == null) {
      return refuse(
          ResumeCommand.NOT_RESUMABLE,
          named
              + " ("
              + run.statusName()
              + ") kept no resume point in its "
              + "memo: it ran on a version of the workflow from before resume; start a new upgrade with gmu start");
    }
    RunState ended = run.point().state();
    if (NOTHING_LEFT.contains(ended)) {
      return refuse(
          ResumeCommand.NOT_RESUMABLE,
          named
              + " ended "
              + ended
              + ": there is nothing to carry on"
              + (ended == RunState.ROLLED_BACK ? "; start a new upgrade with gmu start" : ""));
    }
    return Optional.empty();
  }

  private static Optional<ResumeRefusal> refuse(int exitCode, String message) {
    return Optional.of(new ResumeRefusal(exitCode, message));
  }
}
