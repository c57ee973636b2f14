package org.gloomeshupgrade.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.gloomeshupgrade.fleet.FleetHalt;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.PlaneStatus;
import org.gloomeshupgrade.fleet.WaveState;
import org.gloomeshupgrade.fleet.WaveStatus;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.UpgradeNames;

/** A fleet as text for a terminal: where it is, what it waits for, a row per wave and plane. */
final class FleetStatusRenderer {
  private static final List<String> HEADER =
      List.of("WAVE", "STATE", "PLANE", "STATE", "STEP", "REPORT", "GATE", "NOTE");

  /**
   * The states, steps and levels as wide as the widest each can be: a watch in a log prints a row
   * again only when the row changed, not when another row's state got longer.
   */
  private static final List<Integer> LEAST_WIDTHS =
      List.of(
          0,
          widest(Arrays.stream(WaveState.values()).map(Enum::name)),
          0,
          widest(Arrays.stream(PlaneState.values()).map(Enum::name)),
          widest(Arrays.stream(Step.values()).map(FleetStatusRenderer::step)),
          widest(Arrays.stream(CheckLevel.values()).map(Enum::name)),
          0,
          0);

  private FleetStatusRenderer() {}

  static String render(FleetView view) {
    FleetStatus s = view.status();
    List<String> lines = new ArrayList<>();
    lines.add(headline(view.fleet(), s));
    if (!orEmpty(s.resumedFrom()).isEmpty()) {
      lines.add("carries on run " + s.resumedFrom());
    }
    if (!view.closedAs().isEmpty() && !s.state().finished()) {
      lines.add(
          "the fleet's run is %s: it goes no further; gmu fleet resume --fleet %s carries it on"
              .formatted(view.closedAs(), view.fleet()));
    } else {
      for (FleetAsk ask : FleetAsk.of(view.fleet(), s)) {
        lines.add(ask.what());
        lines.add("  answer: " + ask.command());
      }
    }
    if (!s.waves().isEmpty()) {
      lines.add("");
      lines.addAll(TextTable.of(HEADER, rows(view), LEAST_WIDTHS));
    }
    lines.addAll(waves(s));
    lines.addAll(halts(s));
    s.warnings().forEach(w -> lines.add("warning: " + w));
    view.unasked()
        .forEach(
            (context, why) ->
                lines.add(
                    "?: the step of %s could not be asked of its own run: %s"
                        .formatted(context, why)));
    if (!s.waves().isEmpty()) {
      lines.add(
          "each plane is its own run: gmu status -w %s"
              .formatted(UpgradeNames.workflowId("<context>")));
    }
    return String.join(System.lineSeparator(), lines);
  }

  private static String headline(String fleet, FleetStatus s) {
    String name = orEmpty(s.name()).isEmpty() ? fleet : s.name();
    String target = orEmpty(s.targetVersion()).isEmpty() ? "?" : s.targetVersion();
    String wave = orEmpty(s.currentWave()).isEmpty() ? "" : ", wave " + s.currentWave();
    String approval = s.approval() == null ? "" : ", approval " + s.approval().wireName();
    return "fleet %s to %s: %s%s%s".formatted(name, target, s.state(), wave, approval);
  }

  private static List<List<String>> rows(FleetView view) {
    List<List<String>> rows = new ArrayList<>();
    for (WaveStatus w : view.status().waves()) {
      boolean first = true;
      for (PlaneStatus p : w.planes()) {
        rows.add(
            List.of(
                first ? w.name() : "",
                first ? w.state().name() : "",
                p.context(),
                p.state().name(),
                step(view, p),
                p.level() == null ? "" : p.level().name(),
                orEmpty(p.gate()),
                orEmpty(p.note()).replace('\n', ' ')));
        first = false;
      }
    }
    return rows;
  }

  /** The plane's own run's step when it was asked, else the one the fleet last heard. */
  private static String step(FleetView view, PlaneStatus p) {
    if (view.unasked().containsKey(p.context())) {
      return "?";
    }
    Step step = view.liveSteps().getOrDefault(p.context(), p.step());
    return step == null ? "" : step(step);
  }

  private static String step(Step step) {
    return "%d %s".formatted(step.number(), step.title());
  }

  private static int widest(Stream<String> values) {
    return values.mapToInt(String::length).max().orElse(0);
  }

  /**
   * What the table has no room for: who approved a wave, its soak, its checks that were not green.
   */
  private static List<String> waves(FleetStatus s) {
    List<String> lines = new ArrayList<>();
    for (WaveStatus w : s.waves()) {
      List<String> facts = new ArrayList<>();
      if (!orEmpty(w.approvedBy()).isEmpty()) {
        facts.add("approved by " + w.approvedBy());
      }
      if (!orEmpty(w.soakUntil()).isEmpty()) {
        facts.add(
            (w.state() == WaveState.SOAKING ? "soaks until " : "soaked until ") + w.soakUntil());
      }
      if (!facts.isEmpty() || !w.checks().isEmpty()) {
        lines.add("wave %s: %s".formatted(w.name(), String.join("; ", facts)).stripTrailing());
      }
      w.checks().forEach(c -> lines.add("  not green: " + c));
    }
    return lines;
  }

  /** Every halt, oldest first, with who answered what and why. */
  private static List<String> halts(FleetStatus s) {
    List<String> lines = new ArrayList<>();
    if (s.halts().isEmpty()) {
      return lines;
    }
    lines.add("halts:");
    for (FleetHalt h : s.halts()) {
      lines.add("  %s wave %s: %s".formatted(h.at(), h.wave(), h.reason()));
      lines.add(
          h.action() == null
              ? "    not answered yet"
              : "    %s by %s at %s: %s".formatted(h.action(), h.by(), h.answeredAt(), h.why()));
    }
    return lines;
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }
}
