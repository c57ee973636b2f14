package org.gloomeshupgrade.fleet;

/** Where a fleet is. */
public enum FleetState {
  RUNNING,
  SOAKING,
  /** Waiting for a person's continueFleet: nothing new starts. */
  HALTED,
  SUCCEEDED,
  /** Every wave ran, but a person continued past a plane that was not upgraded. */
  FINISHED_WITH_PROBLEMS,
  /** A person stopped the fleet, or its request was refused. */
  STOPPED,
  FAILED;

  public boolean finished() {
    return this == SUCCEEDED || this == FINISHED_WITH_PROBLEMS || this == STOPPED || this == FAILED;
  }
}
