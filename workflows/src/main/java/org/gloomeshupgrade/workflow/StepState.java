package org.gloomeshupgrade.workflow;

public enum StepState {
  PENDING,
  RUNNING,
  WAITING,
  NEEDS_ATTENTION,
  SUCCEEDED,
  SKIPPED,
  FAILED
}
