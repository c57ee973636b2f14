package org.gloomeshupgrade.fleet;

import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet's record: each wave and plane, the halts and their answers. Workflow code: the status
 * query reads it, handlers and the fleet's loop write it, and every change is published.
 */
final class FleetBook {
  /** One wave's own facts, beside its planes. */
  static final class Wave {
    final FleetWave spec;
    final List<Plane> planes = new ArrayList<>();
    WaveState state = WaveState.PENDING;
    WaveApproval approval;
    String soakUntil = "";
    List<String> checks = List.of();

    Wave(FleetWave spec) {
      this.spec = spec;
    }

    WaveStatus status() {
      return new WaveStatus(
          spec.name(),
          state,
          approval == null ? "" : approval.by(),
          soakUntil,
          checks,
          planes.stream().map(Plane::status).toList());
    }
  }

  private final Map<String, Wave> waves = new LinkedHashMap<>();
  private final List<FleetHalt> halts = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private String name = "";
  private String targetVersion = "";
  private FleetApproval approval;
  private FleetState state = FleetState.RUNNING;
  private String currentWave = "";
  private String resumedFrom = "";
  private final List<String> continuedPastRed = new ArrayList<>();
  private Runnable onChange = () -> {};

  void onChange(Runnable listener) {
    this.onChange = listener;
  }

  void changed() {
    onChange.run();
  }

  void resumedFrom(FleetResume resume) {
    resumedFrom = resume == null ? "" : resume.resumedFrom();
  }

  void accepted(FleetRequest request, List<Plane> planes) {
    name = request.name();
    targetVersion = request.targetVersion();
    approval = request.approval();
    request.waves().forEach(w -> waves.put(w.name(), new Wave(w)));
    planes.forEach(p -> waves.get(p.wave).planes.add(p));
    changed();
  }

  String name() {
    return name;
  }

  List<Wave> waves() {
    return List.copyOf(waves.values());
  }

  Wave wave(String wave) {
    return waves.get(wave);
  }

  Plane plane(String context) {
    return waves.values().stream()
        .flatMap(w -> w.planes.stream())
        .filter(p -> p.context.equals(context))
        .findFirst()
        .orElse(null);
  }

  FleetState state() {
    return state;
  }

  void state(FleetState state) {
    this.state = state;
    changed();
  }

  void current(Wave wave, WaveState state) {
    currentWave = wave.spec.name();
    wave.state = state;
    if (state == WaveState.SOAKING) {
      this.state = FleetState.SOAKING;
    } else if (this.state == FleetState.SOAKING) {
      this.state = FleetState.RUNNING;
    }
    changed();
  }

  /** A person continued past a red soak check of the wave: the fleet cannot end green. */
  void continuedPastRed(String wave) {
    continuedPastRed.add(wave);
    warn("wave %s: continued past a red soak check".formatted(wave));
  }

  boolean continuedPastRed() {
    return !continuedPastRed.isEmpty();
  }

  void warn(String warning) {
    warnings.add(warning);
    changed();
  }

  /** The open halt, or null. */
  FleetHalt openHalt() {
    return halts.isEmpty() || !halts.get(halts.size() - 1).open()
        ? null
        : halts.get(halts.size() - 1);
  }

  void halt(String wave, String reason) {
    halts.add(new FleetHalt(wave, reason, now(), null, "", "", ""));
    state = FleetState.HALTED;
    changed();
  }

  /** The open halt's reason, now that its problems changed. */
  void reword(String reason) {
    int last = halts.size() - 1;
    FleetHalt open = halts.get(last);
    halts.set(last, new FleetHalt(open.wave(), reason, open.at(), null, "", "", ""));
    changed();
  }

  void answer(FleetAnswer answer) {
    int last = halts.size() - 1;
    halts.set(last, halts.get(last).answered(answer, now()));
    Wave wave = waves.get(currentWave);
    state =
        answer.action() == FleetAction.STOP
            ? FleetState.STOPPED
            : wave != null && wave.state == WaveState.SOAKING
                ? FleetState.SOAKING
                : FleetState.RUNNING;
    changed();
  }

  static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }

  FleetStatus snapshot() {
    return new FleetStatus(
        name,
        state,
        targetVersion,
        approval,
        currentWave,
        waves.values().stream().map(Wave::status).toList(),
        List.copyOf(halts),
        List.copyOf(warnings),
        resumedFrom);
  }

  void end(FleetState end) {
    state = end;
    currentWave = "";
    changed();
  }
}
