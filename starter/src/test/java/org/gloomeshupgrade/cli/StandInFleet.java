package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.workflow.DynamicSignalHandler;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.fleet.FleetAction;
import org.gloomeshupgrade.fleet.FleetAnswer;
import org.gloomeshupgrade.fleet.FleetHalt;
import org.gloomeshupgrade.fleet.FleetProgress;
import org.gloomeshupgrade.fleet.FleetReport;
import org.gloomeshupgrade.fleet.FleetRequest;
import org.gloomeshupgrade.fleet.FleetRequestParser;
import org.gloomeshupgrade.fleet.FleetResume;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.GlooMeshFleetWorkflow;
import org.gloomeshupgrade.fleet.PlaneChange;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.WaveApproval;
import org.gloomeshupgrade.fleet.WaveState;
import org.gloomeshupgrade.fleet.WaveStatus;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * A fleet whose status the test sets, for the commands that need a running fleet: it shows its
 * request's waves, every plane pending, until the test signals another status ({@link #SHOW}), and
 * ends once the status shown has finished. It keeps the waves shown DONE in its memo as the real
 * fleet keeps the waves that soaked, and answers the updates with the real fleet's words: an
 * approval of a wave none of whose planes waits, or an answer to a fleet that is not halted, is
 * refused.
 */
public class StandInFleet implements GlooMeshFleetWorkflow {
  /** The signal that sets the status shown, a {@link FleetStatus}. */
  static final String SHOW = "show";

  private FleetStatus shown;
  private List<String> soaked = List.of();

  @Override
  public FleetReport upgrade(JsonNode request, FleetResume resume) {
    Workflow.registerListener(
        (DynamicSignalHandler)
            (name, args) -> {
              if (SHOW.equals(name)) {
                show(args.get(0, FleetStatus.class));
              }
            });
    FleetRequest fleet = FleetRequestParser.parse(request);
    if (shown == null) {
      shown =
          new FleetStatus(
              fleet.name(),
              FleetState.RUNNING,
              fleet.targetVersion(),
              fleet.approval(),
              "",
              fleet.waves().stream()
                  .map(
                      w ->
                          Fleets.wave(
                              w.name(),
                              WaveState.PENDING,
                              w.contexts().stream()
                                  .map(c -> Fleets.plane(c, PlaneState.PENDING, null))
                                  .toList()))
                  .toList(),
              List.of(),
              List.of(),
              resume == null ? "" : resume.resumedFrom());
    }
    Workflow.await(() -> shown.state().finished());
    return new FleetReport(shown.state(), "the stand-in ended " + shown.state(), shown);
  }

  private void show(FleetStatus status) {
    shown = status;
    List<String> done =
        status.waves().stream()
            .filter(w -> w.state() == WaveState.DONE)
            .map(WaveStatus::name)
            .toList();
    if (!done.equals(soaked)) {
      soaked = done;
      Workflow.upsertMemo(Map.of(UpgradeNames.MEMO_FLEET_PROGRESS, new FleetProgress(done)));
    }
  }

  @Override
  public void planeChanged(PlaneChange change) {}

  @Override
  public void validateApproveWave(WaveApproval approval) {
    WaveStatus wave = wave(approval.wave());
    if (wave == null) {
      throw new IllegalStateException(
          "wave: \"%s\" is not a wave of this fleet".formatted(approval.wave()));
    }
    if (wave.planes().stream().noneMatch(p -> p.state() == PlaneState.WAITING_FOR_APPROVAL)) {
      throw new IllegalStateException(
          "no plane of wave %s waits for approval yet".formatted(wave.name()));
    }
  }

  @Override
  public String approveWave(WaveApproval approval) {
    List<WaveStatus> waves = new ArrayList<>();
    for (WaveStatus w : shown.waves()) {
      waves.add(
          w.name().equals(approval.wave())
              ? new WaveStatus(
                  w.name(), w.state(), approval.by(), w.soakUntil(), w.checks(), w.planes())
              : w);
    }
    shown = Fleets.withWaves(shown, waves);
    return "wave %s approved by %s".formatted(approval.wave(), approval.by());
  }

  @Override
  public void validateContinueFleet(FleetAnswer answer) {
    if (FleetAsk.openHalt(shown) == null) {
      throw new IllegalStateException(
          "the fleet is not halted (it is %s): nothing to answer".formatted(shown.state()));
    }
  }

  @Override
  public String continueFleet(FleetAnswer answer) {
    List<FleetHalt> halts = new ArrayList<>(shown.halts());
    FleetHalt open = halts.remove(halts.size() - 1);
    halts.add(
        new FleetHalt(
            open.wave(),
            open.reason(),
            open.at(),
            answer.action(),
            answer.by(),
            answer.reason(),
            open.at()));
    shown =
        new FleetStatus(
            shown.name(),
            answer.action() == FleetAction.STOP ? FleetState.STOPPED : FleetState.RUNNING,
            shown.targetVersion(),
            shown.approval(),
            shown.currentWave(),
            shown.waves(),
            halts,
            shown.warnings(),
            shown.resumedFrom());
    return "%s recorded for %s".formatted(answer.action(), answer.by());
  }

  @Override
  public FleetStatus status() {
    return shown;
  }

  private WaveStatus wave(String name) {
    return shown.waves().stream().filter(w -> w.name().equals(name)).findFirst().orElse(null);
  }
}
