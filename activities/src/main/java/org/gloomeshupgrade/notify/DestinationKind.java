package org.gloomeshupgrade.notify;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;

/** How a destination is spoken to: the body it gets. */
public enum DestinationKind {
  /** A Slack incoming webhook: Block Kit JSON. */
  SLACK(SlackMessage::render),
  /** Any HTTP endpoint: the versioned JSON of docs/notifications.md. */
  WEBHOOK(WebhookMessage::render);

  private final BiFunction<Notification, String, String> renderer;

  DestinationKind(BiFunction<Notification, String, String> renderer) {
    this.renderer = renderer;
  }

  /** The name in the notifications file: slack, webhook. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @param link the run in the Temporal UI; "" when there is none
   */
  public String render(Notification notification, String link) {
    return renderer.apply(notification, link);
  }

  public static Optional<DestinationKind> fromWireName(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName().equals(name)).findFirst();
  }

  static List<String> wireNames() {
    return Arrays.stream(values()).map(DestinationKind::wireName).toList();
  }
}
