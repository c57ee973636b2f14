package org.gloomeshupgrade.workflow;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** The one place for activity timeouts and retry policies, fitted to each kind of work. */
public final class UpgradeActivityOptions {
  private static final Duration INITIAL_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY_INTERVAL = Duration.ofMinutes(1);

  /**
   * Every activity heartbeats while it runs (the worker's keep-alive does it for any activity,
   * whatever it waits on), so a worker that dies mid-step is noticed this soon and the step is
   * retried on another, instead of after the step's start-to-close timeout.
   */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);

  /** One attempt to deliver a notification; the destination's own timeout is shorter. */
  public static final Duration NOTIFICATION_ATTEMPT = Duration.ofSeconds(10);

  /** A notification's every attempt, and the longest a run's end waits for notifications. */
  public static final Duration NOTIFICATION_TIMEOUT = Duration.ofSeconds(30);

  /** The longest a plane's run, at its end, waits for its last report to reach its fleet. */
  public static final Duration FLEET_REPORT_TIMEOUT = Duration.ofSeconds(10);

  private UpgradeActivityOptions() {}

  /** Read-only checks: quick, retried a few times. */
  static ActivityOptions preflight() {
    return options(Duration.ofMinutes(3), 5);
  }

  /** Short reads polled in a loop by the workflow; the loop itself decides when to give up. */
  static ActivityOptions poll() {
    return options(Duration.ofMinutes(1), 3);
  }

  /** Scaling waits for pods; the activity heartbeats while it waits. */
  static ActivityOptions scale(Duration scaleTimeout) {
    return options(scaleTimeout.plus(Duration.ofMinutes(1)), 3);
  }

  static ActivityOptions deleteDiscovery() {
    return options(Duration.ofMinutes(10), 5);
  }

  static ActivityOptions crds() {
    return options(Duration.ofMinutes(10), 5);
  }

  /** A Helm or meshctl upgrade is slow and not cheap to repeat: few attempts. */
  static ActivityOptions controlPlane() {
    return options(Duration.ofMinutes(20), 3);
  }

  /**
   * Reading every configuration resource and writing a few Secrets; restore writes each resource
   * once.
   */
  public static ActivityOptions backup() {
    return options(Duration.ofMinutes(10), 5);
  }

  static ActivityOptions conformance() {
    return options(Duration.ofMinutes(5), 5);
  }

  static ActivityOptions reRegister() {
    return options(Duration.ofMinutes(5), 5);
  }

  public static ActivityOptions verify() {
    return options(Duration.ofMinutes(3), 5);
  }

  /** A fleet's look at a plane's latest run: a describe and a query. */
  public static ActivityOptions fleetLookup() {
    return options(Duration.ofMinutes(1), 5);
  }

  /**
   * One notification to one destination: short, a few attempts, and never longer in all than {@link
   * #NOTIFICATION_TIMEOUT}, which is also the longest a run's end waits for its last ones. No
   * heartbeat: a delivery is one HTTP request.
   */
  public static ActivityOptions notification() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(NOTIFICATION_ATTEMPT)
        .setScheduleToCloseTimeout(NOTIFICATION_TIMEOUT)
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(INITIAL_RETRY)
                .setBackoffCoefficient(2.0)
                .setMaximumAttempts(3)
                .setDoNotRetry(FailureTypes.NON_RETRYABLE.toArray(String[]::new))
                .build())
        .build();
  }

  private static ActivityOptions options(Duration startToClose, int attempts) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToClose)
        .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
        // A cancelled run waits for the activity in flight to end (the worker interrupts it) before
        // it does its clean-up, so nothing of the step still runs beside the clean-up.
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(INITIAL_RETRY)
                .setBackoffCoefficient(2.0)
                .setMaximumInterval(MAX_RETRY_INTERVAL)
                .setMaximumAttempts(attempts)
                .setDoNotRetry(FailureTypes.NON_RETRYABLE.toArray(String[]::new))
                .build())
        .build();
  }
}
