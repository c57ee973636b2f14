package org.gloomeshupgrade.cli;

import java.util.ArrayList;
import java.util.List;
import org.gloomeshupgrade.fleet.FleetApproval;
import org.gloomeshupgrade.fleet.FleetHalt;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.PlaneStatus;
import org.gloomeshupgrade.fleet.WaveState;
import org.gloomeshupgrade.fleet.WaveStatus;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * Something a running fleet waits for from a person, and the command that gives it.
 *
 * @param what what waits, and since when or why
 * @param command the command that answers, with placeholders for who and why
 */
record FleetAsk(String what, String command) {
  /** Every answer the fleet waits for, the open halt first; none once the fleet has finished. */
  static List<FleetAsk> of(String fleet, FleetStatus s) {
    List<FleetAsk> asks = new ArrayList<>();
    if (s.state().finished()) {
      return asks;
    }
    FleetHalt halt = openHalt(s);
    if (halt != null) {
      asks.add(
          new FleetAsk(
              "HALTED in wave %s since %s: %s".formatted(halt.wave(), halt.at(), halt.reason()),
              "gmu fleet continue --fleet %s --action CONTINUE|RECHECK|STOP --by <you> --reason <why>"
                  .formatted(fleet)));
    }
    for (WaveStatus wave : s.waves()) {
      if (wave.state() != WaveState.RUNNING) {
        continue;
      }
      List<PlaneStatus> waiting =
          wave.planes().stream().filter(p -> p.state() == PlaneState.WAITING_FOR_APPROVAL).toList();
      if (s.approval() == FleetApproval.PER_WAVE) {
        if (!waiting.isEmpty() && wave.approvedBy().isEmpty()) {
          asks.add(
              new FleetAsk(
                  "wave %s waits for approval (%s)"
                      .formatted(
                          wave.name(),
                          String.join(", ", waiting.stream().map(PlaneStatus::context).toList())),
                  "gmu fleet approve --fleet %s --wave %s --by <you> --reason <why>"
                      .formatted(fleet, wave.name())));
        }
      } else {
        // Per plane, each plane's own run asks; the fleet only waits for it.
        waiting.forEach(
            p ->
                asks.add(
                    new FleetAsk(
                        "plane %s waits for approval at gate %s".formatted(p.context(), p.gate()),
                        "gmu approve -w %s --reason <why>"
                            .formatted(UpgradeNames.workflowId(p.context())))));
      }
    }
    return asks;
  }

  static FleetHalt openHalt(FleetStatus s) {
    if (s.halts().isEmpty()) {
      return null;
    }
    FleetHalt last = s.halts().get(s.halts().size() - 1);
    return last.action() == null ? last : null;
  }
}
