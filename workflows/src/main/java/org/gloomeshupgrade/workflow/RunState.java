package org.gloomeshupgrade.workflow;

public enum RunState {
  RUNNING, WAITING_FOR_APPROVAL, NEEDS_ATTENTION, SUCCEEDED, DRY_RUN_COMPLETE, REJECTED, FAILED, ABORTED;

  public boolean finished() {
    return this != RUNNING && this != WAITING_FOR_APPROVAL && this != NEEDS_ATTENTION;
  }
}
