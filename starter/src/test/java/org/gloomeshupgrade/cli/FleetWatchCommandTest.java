package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.Fleets.plane;
import static org.gloomeshupgrade.cli.Fleets.wave;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.WaveState;
import org.gloomeshupgrade.workflow.Step;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `gmu fleet watch`: over scripted views, when it stops and with which code; then over fleets. */
class FleetWatchCommandTest {
  private static LocalFleet temporal;

  private final List<Duration> pauses = new ArrayList<>();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  @BeforeAll
  static void startTemporal() {
    temporal = new LocalFleet();
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  private int follow(FleetView... views) throws InterruptedException {
    Deque<FleetView> next = new ArrayDeque<>(List.of(views));
    return FleetWatchCommand.follow(
        next::removeFirst,
        new PrintStream(printed, true, StandardCharsets.UTF_8),
        false,
        Duration.ofSeconds(1),
        pauses::add);
  }

  private String lastLine() {
    List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
    return lines.get(lines.size() - 1);
  }

  private static FleetView view(FleetStatus s) {
    return view(s, "");
  }

  private static FleetView view(FleetStatus s, String closedAs) {
    return new FleetView("mesh", s, closedAs, Map.of(), Map.of());
  }

  private static FleetStatus fleet(FleetState state, PlaneState prodEu) {
    return Fleets.fleet(
        "mesh",
        state,
        "prod",
        state == FleetState.HALTED
            ? List.of(Fleets.openHalt("prod", "prod-eu needs attention"))
            : List.of(),
        wave("staging", WaveState.DONE, plane("staging-mgmt", PlaneState.SUCCEEDED, Step.VERIFY)),
        wave(
            "prod",
            WaveState.RUNNING,
            plane("prod-us", PlaneState.RUNNING, Step.CRDS),
            plane("prod-eu", prodEu, Step.DISCOVERY)));
  }

  @Test
  void inALogEachChangeIsPrintedOnceAndAHaltStopsTheWatchWithTheCommandThatAnswers()
      throws Exception {
    FleetView running = view(fleet(FleetState.RUNNING, PlaneState.RUNNING));
    FleetView halted = view(fleet(FleetState.HALTED, PlaneState.NEEDS_ATTENTION));

    int exit = follow(running, running, halted);

    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).isEqualTo(2);
    assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(out).doesNotContain("\033");
    assertThat(out.lines().filter(l -> l.contains("staging-mgmt"))).hasSize(1);
    assertThat(out.lines().filter(l -> l.startsWith("                  prod-eu")))
        .containsExactly(
            "                  prod-eu       RUNNING               8 discovery",
            "                  prod-eu       NEEDS_ATTENTION       8 discovery");
    assertThat(lastLine())
        .isEqualTo(
            "stopped watching: the fleet waits for a person (HALTED): HALTED in wave prod since "
                + "2026-03-01T12:00:00Z: prod-eu needs attention: gmu fleet continue --fleet mesh "
                + "--action CONTINUE|RECHECK|STOP --by <you> --reason <why>");
  }

  @Test
  void aWaveWaitingForApprovalStopsTheWatchWithTheCommandThatApprovesIt() throws Exception {
    int exit = follow(view(fleet(FleetState.RUNNING, PlaneState.WAITING_FOR_APPROVAL)));

    assertThat(exit).isEqualTo(2);
    assertThat(lastLine())
        .isEqualTo(
            "stopped watching: the fleet waits for a person (RUNNING): wave prod waits for approval "
                + "(prod-eu): gmu fleet approve --fleet mesh --wave prod --by <you> --reason <why>");
  }

  @Test
  void aSucceededFleetEndsTheWatchWithZero() throws Exception {
    int exit =
        follow(
            view(fleet(FleetState.SOAKING, PlaneState.SUCCEEDED)),
            view(fleet(FleetState.SUCCEEDED, PlaneState.SUCCEEDED), "COMPLETED"));

    assertThat(exit).isZero();
    assertThat(lastLine()).isEqualTo("finished: SUCCEEDED");
  }

  @Test
  void aFleetThatEndedOtherwiseEndsTheWatchWithOne() throws Exception {
    for (FleetState end :
        List.of(FleetState.STOPPED, FleetState.FAILED, FleetState.FINISHED_WITH_PROBLEMS)) {
      printed.reset();

      int exit = follow(view(fleet(end, PlaneState.ENDED), "COMPLETED"));

      assertThat(exit).as(end.name()).isEqualTo(1);
      assertThat(lastLine()).isEqualTo("ended: " + end);
    }
  }

  @Test
  void aFleetWhoseRunClosedBeforeItFinishedEndsTheWatchWithOneAndPointsAtResume() throws Exception {
    int exit = follow(view(fleet(FleetState.HALTED, PlaneState.NEEDS_ATTENTION), "TERMINATED"));

    assertThat(exit).isEqualTo(1);
    assertThat(lastLine())
        .isEqualTo(
            "ended: the fleet's run is TERMINATED while HALTED: gmu fleet resume --fleet mesh carries it on");
  }

  @Test
  void watchingAFleetStopsWhenItHaltsAndEndsWithZeroOnceItSucceeded() {
    temporal.start("watched");
    temporal.show(
        "watched",
        Fleets.fleet(
            "watched",
            FleetState.HALTED,
            "staging",
            List.of(Fleets.openHalt("staging", "staging-mgmt needs attention")),
            wave(
                "staging",
                WaveState.RUNNING,
                plane("staging-mgmt", PlaneState.NEEDS_ATTENTION, Step.CRDS))));

    GmuRun halted = temporal.gmu("watch", "--fleet", "watched", "--interval", "100ms");

    assertThat(halted.exit()).as(halted.err()).isEqualTo(2);
    assertThat(halted.out())
        .contains("staging  RUNNING  staging-mgmt  NEEDS_ATTENTION       4 CRDs")
        .contains("gmu fleet continue --fleet watched --action CONTINUE|RECHECK|STOP");

    temporal.show(
        "watched",
        Fleets.fleet(
            "watched",
            FleetState.SUCCEEDED,
            "",
            List.of(),
            wave(
                "staging",
                WaveState.DONE,
                plane("staging-mgmt", PlaneState.SUCCEEDED, Step.VERIFY))));
    temporal.completed("watched");

    GmuRun succeeded = temporal.gmu("watch", "--fleet", "watched", "--interval", "100ms");

    assertThat(succeeded.exit()).as(succeeded.err()).isZero();
    assertThat(succeeded.out().lines().reduce((a, b) -> b).orElseThrow())
        .isEqualTo("finished: SUCCEEDED");
  }

  @Test
  void watchingATerminatedFleetEndsWithOne() {
    temporal.start("cut-short");
    temporal.terminate("cut-short");

    GmuRun watched = temporal.gmu("watch", "--fleet", "cut-short", "--interval", "100ms");

    assertThat(watched.exit()).as(watched.err()).isEqualTo(1);
    assertThat(watched.out())
        .contains(
            "ended: the fleet's run is TERMINATED while RUNNING: gmu fleet resume --fleet cut-short");
  }
}
