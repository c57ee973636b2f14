package org.gloomeshupgrade.backup;

/** Where a restore is. */
public enum RestoreState {
  /** The request is being checked. */
  CHECKING,
  AWAITING_APPROVAL,
  RESTORING,
  RESTORED,
  REJECTED,
  APPROVAL_TIMED_OUT,
  FAILED
}
