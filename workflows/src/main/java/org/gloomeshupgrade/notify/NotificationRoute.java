package org.gloomeshupgrade.notify;

import java.util.List;

/**
 * A destination configured on the worker, as the workflow may know it: its name, its kind and the
 * events it wants. Never its URL or token.
 */
public record NotificationRoute(String destination, String kind, List<NotificationEvent> events) {
  public NotificationRoute {
    events = List.copyOf(events);
  }

  public boolean wants(NotificationEvent event) {
    return events.contains(event);
  }
}
