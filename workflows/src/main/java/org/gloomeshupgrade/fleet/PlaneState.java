package org.gloomeshupgrade.fleet;

import org.gloomeshupgrade.workflow.RunState;

/** Where a plane is in the fleet: not started, or its upgrade run's state, or found done before. */
public enum PlaneState {
  PENDING,
  RUNNING,
  WAITING_FOR_APPROVAL,
  NEEDS_ATTENTION,
  SUCCEEDED,
  /** Its latest upgrade, before this fleet run, already brought it to the target. */
  ALREADY_UPGRADED,
  /** Another run of its upgrade was in progress: the fleet does not start a second one. */
  BUSY,
  /** Its run ended without succeeding: see the note. */
  ENDED;

  static PlaneState of(RunState state) {
    return switch (state) {
      case RUNNING -> RUNNING;
      case WAITING_FOR_APPROVAL -> WAITING_FOR_APPROVAL;
      case NEEDS_ATTENTION -> NEEDS_ATTENTION;
      case SUCCEEDED -> SUCCEEDED;
      default -> ENDED;
    };
  }

  /** Counts as upgraded for the wave. */
  boolean upgraded() {
    return this == SUCCEEDED || this == ALREADY_UPGRADED;
  }
}
