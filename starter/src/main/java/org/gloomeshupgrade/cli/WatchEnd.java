package org.gloomeshupgrade.cli;

import java.util.Optional;
import org.gloomeshupgrade.workflow.RunState;

/** Why {@code gmu watch} stops, and the exit code that tells a script which it was. */
enum WatchEnd {
  /** SUCCEEDED or DRY_RUN_COMPLETE. */
  FINISHED(0),
  /** FINISHED_WITH_PROBLEMS, REJECTED, FAILED, ABORTED, ROLLED_BACK or CANCELLED. */
  ENDED_BADLY(1),
  /** WAITING_FOR_APPROVAL or NEEDS_ATTENTION: nothing more happens until someone answers. */
  NEEDS_A_PERSON(2);

  final int exitCode;

  WatchEnd(int exitCode) {
    this.exitCode = exitCode;
  }

  /** Empty while the run is making progress on its own. */
  static Optional<WatchEnd> of(RunState state) {
    return switch (state) {
      case RUNNING -> Optional.empty();
      case WAITING_FOR_APPROVAL, NEEDS_ATTENTION -> Optional.of(NEEDS_A_PERSON);
      case SUCCEEDED, DRY_RUN_COMPLETE -> Optional.of(FINISHED);
      case FINISHED_WITH_PROBLEMS, REJECTED, FAILED, ABORTED, ROLLED_BACK, CANCELLED ->
          Optional.of(ENDED_BADLY);
    };
  }
}
