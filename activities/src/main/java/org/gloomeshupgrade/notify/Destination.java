package org.gloomeshupgrade.notify;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gloomeshupgrade.messages.SortedCopy;

/**
 * One destination of the notifications file. Its {@code toString()} names where the URL and token
 * come from, never their values.
 *
 * @param name unique on the worker; what the workflow names it by
 * @param url read each time a message is sent
 * @param token sent as {@code Authorization: Bearer}; webhooks only
 * @param events the events it wants, in {@link NotificationEvent} order
 * @param timeout for one request, answer included
 * @param headers extra, non-secret headers
 */
public record Destination(
    String name,
    DestinationKind kind,
    Secret url,
    Optional<Secret> token,
    List<NotificationEvent> events,
    Duration timeout,
    Map<String, String> headers) {

  public Destination {
    events = List.copyOf(events);
    headers = SortedCopy.of(headers);
  }

  public NotificationRoute route() {
    return new NotificationRoute(name, kind.wireName(), events);
  }
}
