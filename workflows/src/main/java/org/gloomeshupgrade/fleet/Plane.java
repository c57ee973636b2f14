package org.gloomeshupgrade.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.UpgradeNames;

/** One management plane as the fleet follows it: its request, its run and what it last heard. */
final class Plane {
  final String context;
  final String wave;
  final String workflowId;
  final ObjectNode request;
  final UpgradeRequest parsed;
  String runId = "";
  PlaneState state = PlaneState.PENDING;
  RunState runState;
  Step step;
  String gate = "";
  CheckLevel level;
  String note = "";

  /** Whether this fleet run started the run (its child), or found it running (adopted). */
  boolean child;

  /** Whether the fleet follows a run an earlier run of it started (not its own child). */
  boolean followed;

  /** Whether its latest run was read at the wave's start; false when the read failed. */
  boolean lookedUp = true;

  /** Whether its run is over: later news of that run changes nothing. */
  boolean over;

  /** The earlier run a started run carries on, null for a fresh one. */
  String resumeFrom;

  /** The gate the fleet answered with the wave's approval, "" when none. */
  String approvedGate = "";

  Plane(String context, String wave, ObjectNode request, UpgradeRequest parsed) {
    this.context = context;
    this.wave = wave;
    this.workflowId = UpgradeNames.workflowId(context);
    this.request = request;
    this.parsed = parsed;
  }

  /** A run's news: its state, step and gate. */
  void heard(RunState state, Step step, String gate, String attention, CheckLevel level) {
    this.runState = state;
    this.state = PlaneState.of(state);
    this.step = step;
    this.gate = gate == null ? "" : gate;
    if (level != null) {
      this.level = level;
    }
    this.note =
        switch (this.state) {
          case NEEDS_ATTENTION, ENDED -> attention == null ? "" : attention;
          default -> "";
        };
  }

  /** The plane's run is over (for the wave): upgraded, or ended in a way a person must answer. */
  boolean settled() {
    return state.upgraded() || state == PlaneState.ENDED;
  }

  /** Needs a person before the fleet goes on; the key names this very problem. */
  String problem() {
    return switch (state) {
      case NEEDS_ATTENTION, ENDED, BUSY -> "%s/%s/%s/%s".formatted(context, runId, runState, gate);
      default -> null;
    };
  }

  PlaneStatus status() {
    return new PlaneStatus(context, workflowId, runId, state, runState, step, gate, level, note);
  }
}
