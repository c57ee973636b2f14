package org.gloomeshupgrade.heartbeat;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityWorkerShutdownException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Optional;
import org.gloomeshupgrade.workflow.FailureTypes;

/**
 * Heartbeats with progress from activities that wait. Outside an activity (unit tests, the local
 * demo calling an implementation directly) there is nobody to report to, so the heartbeat is
 * skipped instead of failing. Liveness itself does not depend on these calls: {@link
 * KeepAliveInterceptor} heartbeats for every activity while it runs.
 */
public final class Heartbeats {
  private Heartbeats() {}

  /**
   * Reports progress to Temporal; a cancelled or timed-out activity learns it here and stops
   * waiting. A stopping worker is not a reason to stop: the keep-alive lets the activity finish or
   * hands it over after a grace.
   */
  public static void beat(Object details) {
    current()
        .ifPresent(
            context -> {
              try {
                context.heartbeat(details);
              } catch (ActivityWorkerShutdownException stopping) {
                // See KeepAliveInterceptor: it decides when a running activity is handed over.
              }
            });
  }

  /** Sleeps one poll interval, then heartbeats. */
  public static void pause(Duration interval, Object details) {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "interrupted while waiting: " + details, FailureTypes.WAIT_TIMED_OUT);
    }
    beat(details);
  }

  private static Optional<ActivityExecutionContext> current() {
    try {
      return Optional.of(Activity.getExecutionContext());
    } catch (IllegalStateException notInAnActivity) {
      return Optional.empty();
    }
  }
}
