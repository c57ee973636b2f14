package org.gloomeshupgrade.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.gloomeshupgrade.backup.RestoreStatus;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.notify.NotificationDelivery;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.verify.VerifyReport;
import org.gloomeshupgrade.workflow.ClusterRegistration;
import org.gloomeshupgrade.workflow.ConformanceReview;
import org.gloomeshupgrade.workflow.StepState;
import org.gloomeshupgrade.workflow.StepStatus;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;

/** Status and reports as text for a terminal. */
public final class StatusRenderer {
  private StatusRenderer() {}

  public static String headline(UpgradeStatus s) {
    String from = s.fromVersion() == null || s.fromVersion().isEmpty() ? "?" : s.fromVersion();
    String ctx =
        s.managementContext() == null || s.managementContext().isEmpty()
            ? "(default context)"
            : s.managementContext();
    return "Gloo Mesh "
        + from
        + " -> "
        + s.targetVersion()
        + " on "
        + ctx
        + ": "
        + s.state()
        + " at step "
        + s.currentStep().number()
        + " ("
        + s.currentStep().title()
        + ")";
  }

  /** A restore's status: its state, the backup, who asked and answered, what it put back. */
  public static String render(RestoreStatus s) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "restore %s of backup %s on %s, requested by %s"
            .formatted(
                s.state(),
                s.backupId(),
                s.context().isEmpty() ? "the worker's default cluster" : s.context(),
                s.requestedBy()));
    if (!s.awaiting().isEmpty()) {
      lines.add("awaiting " + s.awaiting());
    }
    if (s.approval() != null) {
      lines.add("approved by %s: %s".formatted(s.approval().by(), s.approval().reason()));
    }
    if (s.rejection() != null) {
      lines.add("rejected by %s: %s".formatted(s.rejection().by(), s.rejection().reason()));
    }
    if (s.result() != null) {
      lines.add(RestoreCommand.render(s.result()));
    }
    return String.join("\n", lines);
  }

  public static String render(UpgradeStatus s) {
    return render(s, null);
  }

  /**
   * As {@link #render(UpgradeStatus)}, with the time so far of each step that started and has not
   * ended, counted to {@code now}; null leaves it out, as the status itself does.
   */
  public static String render(UpgradeStatus s, Instant now) {
    List<String> lines = new ArrayList<>();
    lines.add(headline(s));
    if (s.resumedFrom() != null && !s.resumedFrom().isEmpty()) {
      lines.add("carries on run " + s.resumedFrom());
    }
    s.steps().forEach(step -> lines.add(stepLine(step, now)));
    if (s.discovery() != null && s.discovery().polls() > 0) {
      lines.add(
          "discovery: "
              + s.discovery().current()
              + " of "
              + s.discovery().inventory()
              + " after "
              + s.discovery().polls()
              + " polls"
              + (s.discovery().settled().isEmpty() ? "" : ", " + s.discovery().settled()));
    }
    if (s.networking() != null) {
      lines.add(
          "networking: "
              + s.networking().accepted()
              + " of "
              + s.networking().total()
              + " ACCEPTED after "
              + s.networking().polls()
              + " polls"
              + (s.networking().settled().isEmpty() ? "" : ", settled"));
      s.networking().notAccepted().forEach(n -> lines.add("  not yet: " + n));
      int unnamed =
          s.networking().total() - s.networking().accepted() - s.networking().notAccepted().size();
      if (unnamed > 0) {
        lines.add("  not yet: and %d more".formatted(unnamed));
      }
      s.networking().recovered().forEach(n -> lines.add("  cleared: " + n));
    }
    lines.addAll(conformance(s.conformance()));
    lines.addAll(registrations(s.registrations()));
    if (s.approval() != null) {
      lines.add("approved by " + s.approval().by() + ": " + s.approval().reason());
    }
    if (!s.attention().isEmpty()) {
      lines.add("NEEDS ATTENTION: " + s.attention());
    }
    if (!s.awaiting().isEmpty()) {
      lines.add("awaiting " + s.awaiting());
    }
    s.decisions().forEach(d -> lines.add("decision: " + d));
    s.warnings().forEach(w -> lines.add("warning: " + w));
    lines.addAll(notifications(s.notifications()));
    lines.addAll(verify(s.verify()));
    return String.join(System.lineSeparator(), lines);
  }

  /** How many went out, and each one that did not: nobody was told. */
  private static List<String> notifications(List<NotificationDelivery> deliveries) {
    if (deliveries == null || deliveries.isEmpty()) {
      return List.of();
    }
    Map<NotificationDelivery.Outcome, Long> counts =
        deliveries.stream()
            .collect(
                Collectors.groupingBy(
                    NotificationDelivery::outcome,
                    () -> new EnumMap<>(NotificationDelivery.Outcome.class),
                    Collectors.counting()));
    List<String> lines = new ArrayList<>();
    lines.add(
        "notifications: "
            + counts.entrySet().stream()
                .map(
                    e ->
                        "%d %s".formatted(e.getValue(), e.getKey().name().toLowerCase(Locale.ROOT)))
                .collect(Collectors.joining(", ")));
    deliveries.stream()
        .filter(
            d ->
                d.outcome() == NotificationDelivery.Outcome.FAILED
                    || d.outcome() == NotificationDelivery.Outcome.DROPPED)
        .forEach(
            d ->
                lines.add(
                    "  not delivered: %s to %s: %s"
                        .formatted(d.event().wireName(), d.destination(), d.detail())));
    return lines;
  }

  public static String render(UpgradeReport r) {
    List<String> lines = new ArrayList<>();
    lines.add(r.summary());
    r.steps().forEach(step -> lines.add(stepLine(step)));
    lines.addAll(conformance(r.conformance()));
    lines.addAll(registrations(r.registrations()));
    r.decisions().forEach(d -> lines.add("decision: " + d));
    r.warnings().forEach(w -> lines.add("warning: " + w));
    lines.addAll(verify(r.verify()));
    return String.join(System.lineSeparator(), lines);
  }

  public static String stepLine(StepStatus step) {
    return stepLine(step, null);
  }

  private static String stepLine(StepStatus step, Instant now) {
    long millis = step.elapsedMillis();
    // The workflow counts a step's time only once it ends; a live view counts the rest itself.
    if (millis == 0
        && now != null
        && step.startedAt() != null
        && !step.startedAt().isEmpty()
        && (step.finishedAt() == null || step.finishedAt().isEmpty())) {
      millis = Math.max(0, Duration.between(Instant.parse(step.startedAt()), now).toMillis());
    }
    String elapsed =
        millis > 0 ? String.format(Locale.ROOT, "%7.1fs", millis / 1000.0) : "        ";
    return String.format(
            Locale.ROOT,
            "  %-6s %2d %-17s %s %s",
            mark(step.state()),
            step.step().number(),
            step.step().title(),
            elapsed,
            step.detail() == null ? "" : step.detail())
        .stripTrailing();
  }

  private static List<String> verify(VerifyReport report) {
    List<String> lines = new ArrayList<>();
    if (report == null) {
      return lines;
    }
    lines.add("final report: " + report.overall());
    for (VerifyCheck c : report.checks()) {
      lines.add(
          String.format(
                  Locale.ROOT,
                  "  %-6s %-30s %s%s",
                  c.level(),
                  c.name(),
                  c.detail(),
                  c.hint() == null || c.hint().isEmpty() ? "" : " (hint: " + c.hint() + ")")
              .stripTrailing());
    }
    return lines;
  }

  /** Each conformance check: its outcome, who decided, and every problem with its path and hint. */
  private static List<String> conformance(List<ConformanceReview> reviews) {
    List<String> lines = new ArrayList<>();
    if (reviews == null) {
      return lines;
    }
    for (ConformanceReview r : reviews) {
      lines.add(
          "conformance at step "
              + r.step().number()
              + " ("
              + r.step().title()
              + ") against "
              + r.against()
              + ": "
              + r.outcome()
              + ", "
              + r.resourcesChecked()
              + " resource(s), "
              + r.problemCount()
              + " problem(s), "
              + r.checks()
              + " check(s)"
              + (r.decidedBy().isEmpty()
                  ? ""
                  : "; "
                      + r.outcome().name().toLowerCase(Locale.ROOT)
                      + " by "
                      + r.decidedBy()
                      + ": "
                      + r.reason()));
      r.problems().forEach(p -> lines.add("  " + problem(p)));
      if (r.problemsUnlisted() > 0) {
        lines.add("  and %d more problem(s)".formatted(r.problemsUnlisted()));
      }
      r.leftToChart().forEach(p -> lines.add("  left to the chart: " + problem(p)));
    }
    return lines;
  }

  /**
   * A count per state, then each cluster that is not registered (there may be hundreds of those
   * that are).
   */
  private static List<String> registrations(List<ClusterRegistration> registrations) {
    List<String> lines = new ArrayList<>();
    if (registrations == null || registrations.isEmpty()) {
      return lines;
    }
    Map<ClusterRegistration.State, Long> counts = new EnumMap<>(ClusterRegistration.State.class);
    registrations.forEach(r -> counts.merge(r.state(), 1L, Long::sum));
    lines.add(
        "re-registration: "
            + counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
    registrations.stream()
        .filter(r -> r.state() != ClusterRegistration.State.REGISTERED)
        .forEach(
            r ->
                lines.add(
                    String.format(
                        Locale.ROOT,
                        "  %-10s %s (context %s, %d run(s))%s",
                        r.state(),
                        r.cluster(),
                        r.context(),
                        r.runs(),
                        r.detail().isEmpty() ? "" : ": " + r.detail())));
    return lines;
  }

  private static String problem(ConformanceProblem p) {
    return p.kind()
        + " "
        + p.namespace()
        + "/"
        + p.name()
        + " "
        + p.path()
        + ": "
        + p.problem()
        + (p.hint() == null || p.hint().isEmpty() ? "" : " (hint: " + p.hint() + ")");
  }

  private static String mark(StepState state) {
    return switch (state) {
      case PENDING -> "";
      case RUNNING -> "..";
      case WAITING -> "WAIT";
      case NEEDS_ATTENTION -> "!!";
      case SUCCEEDED -> "ok";
      case SKIPPED -> "skip";
      case FAILED -> "FAIL";
    };
  }
}
