package org.gloomeshupgrade.fleet;

import java.util.ArrayList;
import java.util.List;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * The fleet as the Temporal UI's current details: where it is, what halted it and how to answer,
 * and a row per wave and plane. Markdown, as the UI renders it.
 */
final class FleetDetails {
  private FleetDetails() {}

  static String markdown(FleetStatus s) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "**Fleet %s to %s: %s**%s"
            .formatted(
                s.name(),
                s.targetVersion(),
                s.state(),
                s.currentWave().isEmpty() ? "" : ", wave " + s.currentWave()));
    FleetHalt halt =
        s.halts().isEmpty() || !s.halts().get(s.halts().size() - 1).open()
            ? null
            : s.halts().get(s.halts().size() - 1);
    if (halt != null) {
      lines.add("");
      lines.add("Halted in wave %s since %s: %s".formatted(halt.wave(), halt.at(), halt.reason()));
      lines.add("");
      lines.add(
          "Answer: `gmu fleet continue --fleet %s --action CONTINUE|RECHECK|STOP --by <you> --reason <why>`"
              .formatted(s.name()));
    }
    lines.add("");
    lines.add("| wave | plane | state | step | gate | report | note |");
    lines.add("|---|---|---|---|---|---|---|");
    for (WaveStatus w : s.waves()) {
      String wave =
          "%s (%s%s)"
              .formatted(
                  w.name(),
                  w.state(),
                  w.approvedBy().isEmpty() ? "" : ", approved by " + w.approvedBy());
      for (PlaneStatus p : w.planes()) {
        lines.add(
            "| %s | %s | %s | %s | %s | %s | %s |"
                .formatted(
                    wave,
                    p.context(),
                    p.state(),
                    p.step() == null ? "" : p.step(),
                    p.gate(),
                    p.level() == null ? "" : p.level(),
                    cell(p.note())));
        wave = "";
      }
    }
    lines.add("");
    lines.add(
        "Each plane is its own run: `gmu status -w %s`."
            .formatted(UpgradeNames.workflowId("<context>")));
    return String.join("\n", lines);
  }

  private static String cell(String text) {
    String one = text.replace("|", "\\|").replace("\n", " ");
    return one.length() > 160 ? one.substring(0, 157) + "..." : one;
  }
}
