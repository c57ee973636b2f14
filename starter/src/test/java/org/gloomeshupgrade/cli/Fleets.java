package org.gloomeshupgrade.cli;

import java.util.List;
import org.gloomeshupgrade.fleet.FleetApproval;
import org.gloomeshupgrade.fleet.FleetHalt;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.PlaneStatus;
import org.gloomeshupgrade.fleet.WaveState;
import org.gloomeshupgrade.fleet.WaveStatus;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * FleetStatus values for tests. The records are constructed here only, so a field added to one
 * changes one line here.
 */
final class Fleets {
  private Fleets() {}

  /** A plane with no run yet when pending, else a run whose state matches the plane's. */
  static PlaneStatus plane(String context, PlaneState state, Step step) {
    return plane(context, state, step, "", "");
  }

  static PlaneStatus plane(String context, PlaneState state, Step step, String gate, String note) {
    return new PlaneStatus(
        context,
        UpgradeNames.workflowId(context),
        state == PlaneState.PENDING ? "" : "run-of-" + context,
        state,
        runState(state),
        step,
        gate,
        null,
        note);
  }

  /** The plane following the given run of its upgrade. */
  static PlaneStatus withRun(PlaneStatus p, String runId) {
    return new PlaneStatus(
        p.context(),
        p.workflowId(),
        runId,
        p.state(),
        p.runState(),
        p.step(),
        p.gate(),
        p.level(),
        p.note());
  }

  static PlaneStatus withLevel(PlaneStatus p, CheckLevel level) {
    return new PlaneStatus(
        p.context(),
        p.workflowId(),
        p.runId(),
        p.state(),
        p.runState(),
        p.step(),
        p.gate(),
        level,
        p.note());
  }

  static WaveStatus wave(String name, WaveState state, List<PlaneStatus> planes) {
    return new WaveStatus(name, state, "", "", List.of(), planes);
  }

  static WaveStatus wave(String name, WaveState state, PlaneStatus... planes) {
    return wave(name, state, List.of(planes));
  }

  /** A fleet to 0.12.8 with per-wave approval. */
  static FleetStatus fleet(
      String name,
      FleetState state,
      String currentWave,
      List<FleetHalt> halts,
      WaveStatus... waves) {
    return new FleetStatus(
        name,
        state,
        "0.12.8",
        FleetApproval.PER_WAVE,
        currentWave,
        List.of(waves),
        halts,
        List.of(),
        "");
  }

  static FleetStatus withWaves(FleetStatus s, List<WaveStatus> waves) {
    return new FleetStatus(
        s.name(),
        s.state(),
        s.targetVersion(),
        s.approval(),
        s.currentWave(),
        waves,
        s.halts(),
        s.warnings(),
        s.resumedFrom());
  }

  static FleetHalt openHalt(String wave, String reason) {
    return new FleetHalt(wave, reason, "2026-03-01T12:00:00Z", null, "", "", "");
  }

  private static RunState runState(PlaneState state) {
    return switch (state) {
      case PENDING, ALREADY_UPGRADED, BUSY -> null;
      case RUNNING -> RunState.RUNNING;
      case WAITING_FOR_APPROVAL -> RunState.WAITING_FOR_APPROVAL;
      case NEEDS_ATTENTION -> RunState.NEEDS_ATTENTION;
      case SUCCEEDED -> RunState.SUCCEEDED;
      case ENDED -> RunState.FAILED;
    };
  }
}
