package org.gloomeshupgrade.workflow;

import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gloomeshupgrade.notify.DeliveryReceipt;
import org.gloomeshupgrade.notify.Notification;
import org.gloomeshupgrade.notify.NotificationActivities;
import org.gloomeshupgrade.notify.NotificationRoute;

/**
 * The worker's destinations as a test sets them, recording every attempt to deliver: what a run
 * sends, to whom, how often. A destination can be made to answer 500 (retried) or 404 (refused).
 */
final class RecordingNotifications implements NotificationActivities {
  /** One attempt: the destination, the notification and which attempt of its activity it was. */
  record Attempt(String destination, Notification notification, int attempt) {}

  enum Answer {
    OK,
    SERVER_ERROR,
    NOT_FOUND,
    /** Never answers: each attempt runs into its timeout. */
    NEVER
  }

  private final List<NotificationRoute> routes;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  final List<Attempt> attempts = new CopyOnWriteArrayList<>();

  /** A worker without destinations. */
  RecordingNotifications() {
    this(List.of());
  }

  RecordingNotifications(List<NotificationRoute> routes) {
    this.routes = List.copyOf(routes);
  }

  /** From now on, {@code destination} answers so. */
  RecordingNotifications answer(String destination, Answer answer) {
    answers.put(destination, answer);
    return this;
  }

  @Override
  public List<NotificationRoute> routes() {
    return routes;
  }

  @Override
  public DeliveryReceipt deliver(String destination, Notification notification) {
    attempts.add(
        new Attempt(
            destination, notification, Activity.getExecutionContext().getInfo().getAttempt()));
    Answer answer = answers.getOrDefault(destination, Answer.OK);
    if (answer == Answer.NEVER) {
      // Left open without holding a thread, so the test server's clock can skip to the timeout.
      Activity.getExecutionContext().doNotCompleteOnReturn();
      return null;
    }
    return switch (answer) {
      case OK -> new DeliveryReceipt(destination, 200, 3);
      case SERVER_ERROR ->
          throw ApplicationFailure.newFailure(
              destination + ": HTTP 500", FailureTypes.NOTIFICATION_UNDELIVERED);
      case NEVER -> throw new IllegalStateException("handled above");
      case NOT_FOUND ->
          throw ApplicationFailure.newNonRetryableFailure(
              destination + ": HTTP 404 (no_service)", FailureTypes.NOTIFICATION_REFUSED);
    };
  }

  /** The notifications that reached {@code destination}, in the order they did. */
  List<Notification> delivered(String destination) {
    return attempts.stream()
        .filter(a -> a.destination().equals(destination))
        .filter(a -> answers.getOrDefault(destination, Answer.OK) == Answer.OK)
        .map(Attempt::notification)
        .toList();
  }
}
