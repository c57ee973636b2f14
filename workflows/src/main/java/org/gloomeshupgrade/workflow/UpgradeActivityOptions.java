package org.gloomeshupgrade.workflow;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** The one place for activity timeouts and retry policies, fitted to each kind of work. */
public final class UpgradeActivityOptions {
  private static final Duration INITIAL_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY_INTERVAL = Duration.ofMinutes(1);

  /** The scale activity heartbeats every poll; a worker that dies mid-wait is noticed this soon. */
  private static final Duration SCALE_HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);

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
    return ActivityOptions.newBuilder(options(scaleTimeout.plus(Duration.ofMinutes(1)), 3))
        .setHeartbeatTimeout(SCALE_HEARTBEAT_TIMEOUT)
        .build();
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

  static ActivityOptions verify() {
    return options(Duration.ofMinutes(3), 5);
  }

  private static ActivityOptions options(Duration startToClose, int attempts) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToClose)
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
