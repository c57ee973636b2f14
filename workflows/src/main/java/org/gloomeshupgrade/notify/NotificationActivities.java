package org.gloomeshupgrade.notify;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Telling people: the destinations live on the worker (its notifications file), so no URL or token
 * ever enters a workflow's history.
 */
@ActivityInterface
public interface NotificationActivities {
  /** The destinations this worker has, with the events each wants; empty when none. */
  @ActivityMethod(name = "NotificationRoutes")
  List<NotificationRoute> routes();

  /**
   * Sends {@code notification} to one destination. Fails retryably when the destination did not
   * answer, answered 429 or 5xx; not retryably for an unknown destination or another 4xx. A failure
   * message names the destination and what happened, never the URL or token.
   */
  @ActivityMethod(name = "DeliverNotification")
  DeliveryReceipt deliver(String destination, Notification notification);
}
