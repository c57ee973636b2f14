package org.gloomeshupgrade.fleet;

import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import org.gloomeshupgrade.workflow.RunState;

/** How a plane's run that ended without a report ended, in a person's words. */
final class FleetFailures {
  private FleetFailures() {}

  static Throwable root(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static String why(Throwable failure) {
    Throwable t = root(failure);
    String message = t instanceof TemporalFailure tf ? tf.getOriginalMessage() : t.getMessage();
    if (t instanceof TerminatedFailure) {
      return message == null || message.isBlank()
          ? "the run was terminated"
          : "the run was terminated: " + message;
    }
    if (t instanceof CanceledFailure) {
      return "the run was cancelled";
    }
    return t instanceof TimeoutFailure ? "the run timed out" : message;
  }

  /** The run's end state as far as the failure tells it; null when it does not. */
  static RunState state(Throwable failure) {
    Throwable t = root(failure);
    if (t instanceof CanceledFailure) {
      return RunState.CANCELLED;
    }
    return t instanceof ApplicationFailure ? RunState.FAILED : null;
  }
}
