package org.gloomeshupgrade.workflow;

import io.temporal.workflow.Workflow;

/**
 * Which version of a guarded change a run runs: the one its history recorded, or the newest for a
 * new run. The workflow asks through this interface so that a replay test can register, through an
 * implementation factory, a workflow that takes a change for granted, and show that the change
 * without its guard breaks older histories.
 */
@FunctionalInterface
interface ChangeVersions {
  /**
   * What runs in production: {@code Workflow.getVersion}, which records a marker the first time it
   * is asked.
   */
  ChangeVersions RECORDED =
      change -> Workflow.getVersion(change.id(), Workflow.DEFAULT_VERSION, change.newest());

  int version(Change change);

  default boolean applies(Change change) {
    return version(change) >= 1;
  }
}
