package org.gloomeshupgrade.workflow;

import java.util.ArrayList;
import java.util.List;
import org.gloomeshupgrade.notify.NotificationDelivery;

/**
 * The run as the Temporal UI shows it in "current details" (Markdown): where the run is, what it
 * waits for and the exact commands that answer it, and each step's state. Pure, so that workflow
 * code may call it.
 */
final class CurrentDetails {
  private CurrentDetails() {}

  static String markdown(UpgradeStatus s) {
    List<String> lines = new ArrayList<>();
    String from = s.fromVersion() == null || s.fromVersion().isEmpty() ? "?" : s.fromVersion();
    lines.add(
        "**Gloo Mesh "
            + from
            + " → "
            + s.targetVersion()
            + " on "
            + (s.managementContext().isEmpty() ? "the worker's context" : s.managementContext())
            + ": "
            + s.state()
            + "**");
    if (s.resumedFrom() != null && !s.resumedFrom().isEmpty()) {
      lines.add("");
      lines.add(
          "Carries on run `"
              + s.resumedFrom()
              + "`: steps it finished that still hold are not done again.");
    }
    lines.add("");
    lines.add(
        "Step "
            + s.currentStep().number()
            + " of "
            + Step.VERIFY.number()
            + ", "
            + s.currentStep().title());
    if (!s.attention().isEmpty()) {
      lines.add("");
      lines.add("**Needs attention:** " + s.attention());
    }
    if (!s.awaiting().isEmpty()) {
      lines.add("");
      lines.add(
          "**Awaited:** "
              + s.awaiting()
              + (s.gate().isEmpty() ? "" : " (gate `" + s.gate() + "`)"));
    }
    notifications(s, lines);
    lines.add("");
    lines.add("| step | state | detail |");
    lines.add("|---|---|---|");
    for (StepStatus step : s.steps()) {
      if (step.state() == StepState.PENDING) {
        continue;
      }
      lines.add(
          "| "
              + step.step().number()
              + " "
              + step.step().title()
              + " | "
              + step.state()
              + " | "
              + cell(step.detail())
              + " |");
    }
    return String.join("\n", lines);
  }

  /** A notification that did not reach its destination must be seen: nobody was told. */
  private static void notifications(UpgradeStatus s, List<String> lines) {
    if (s.notifications() == null) {
      return;
    }
    List<NotificationDelivery> undelivered =
        s.notifications().stream()
            .filter(
                n ->
                    n.outcome() == NotificationDelivery.Outcome.FAILED
                        || n.outcome() == NotificationDelivery.Outcome.DROPPED)
            .toList();
    if (undelivered.isEmpty()) {
      return;
    }
    lines.add("");
    lines.add("**Notifications not delivered:**");
    for (NotificationDelivery n : undelivered) {
      lines.add(
          "- %s to %s: %s".formatted(n.event().wireName(), n.destination(), cell(n.detail())));
    }
  }

  /** A table cell: one line, no pipe, not so long that the page becomes a wall. */
  private static String cell(String text) {
    String oneLine = text == null ? "" : text.replace('\n', ' ').replace("|", "\\|");
    return oneLine.length() > 300 ? oneLine.substring(0, 297) + "..." : oneLine;
  }
}
