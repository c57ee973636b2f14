package org.gloomeshupgrade.notify;

import java.util.List;
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
  RUN_ENDED,
  /** A sample from {@code gmu notify-test}: every destination gets it, whatever its events. */
  TEST;

  /** The events a destination may choose: all but the test. */
  public static final List<NotificationEvent> OF_RUNS =
      List.of(GATE_OPENED, REMINDER, GATE_ANSWERED, RUN_ENDED);

  /** The name in configuration files and webhook bodies: gate-opened, reminder, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** One of {@link #OF_RUNS} by its wire name. */
  public static Optional<NotificationEvent> fromWireName(String name) {
    return OF_RUNS.stream().filter(e -> e.wireName().equalsIgnoreCase(name)).findFirst();
  }
}
