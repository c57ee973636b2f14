package org.gloomeshupgrade.notify;

/**
 * What became of one notification at one destination, as the run's status shows it.
 *
 * @param id the notification's ID, the same at every destination
 * @param detail "HTTP 200 in 35 ms", or why it failed (never a URL or token)
 */
public record NotificationDelivery(
    String id, NotificationEvent event, String destination, Outcome outcome, String detail) {

  public enum Outcome {
    /** Queued or being sent. */
    SENDING,
    DELIVERED,
    /** Every attempt failed, or the destination refused it. */
    FAILED,
    /** The run ended before it could be sent. */
    DROPPED
  }
}
