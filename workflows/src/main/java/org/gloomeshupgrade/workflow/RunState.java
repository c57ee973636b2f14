package org.gloomeshupgrade.workflow;

/**
 * Where a run is. FINISHED_WITH_PROBLEMS: every step ran or was skipped by a person, but the final
 * report is red. ROLLED_BACK: after a failed step a person chose to put the deployments and the
 * configuration back. CANCELLED: a person cancelled the workflow (Temporal UI or CLI); a later run
 * can carry it on.
 */
public enum RunState {
  RUNNING,
  WAITING_FOR_APPROVAL,
  NEEDS_ATTENTION,
  SUCCEEDED,
  FINISHED_WITH_PROBLEMS,
  DRY_RUN_COMPLETE,
  REJECTED,
  FAILED,
  ABORTED,
  ROLLED_BACK,
  CANCELLED;

  public boolean finished() {
    return this != RUNNING && this != WAITING_FOR_APPROVAL && this != NEEDS_ATTENTION;
  }
}
