package org.gloomeshupgrade.notify;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a run tells people about; a destination on the worker lists the events it wants. */
public enum NotificationEvent {
  /**
   * A gate opened: an approval, or a decision after a failed step, conformance problems or failed
   * clusters.
   */
  GATE_OPENED,
  /** The approval is overdue: the reminder. */
  REMINDER,
  /** A person answered a gate (who, and what). */
  GATE_ANSWERED,
  /** The run ended, with its outcome and the final report's levels. */
  RUN_ENDED;

  /** The name in configuration files and webhook bodies: gate-opened, reminder, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Optional<NotificationEvent> fromWireName(String name) {
    return Arrays.stream(values()).filter(e -> e.wireName().equalsIgnoreCase(name)).findFirst();
  }
}
