package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.Fleets.plane;
import static org.gloomeshupgrade.cli.Fleets.wave;

import java.time.Instant;
import java.util.List;
import org.gloomeshupgrade.fleet.FleetAction;
import org.gloomeshupgrade.fleet.FleetHalt;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.WaveState;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `gmu fleet status` over a fleet whose status the test sets, and its running planes' runs. */
class FleetStatusCommandTest {
  private static LocalFleet temporal;

  @BeforeAll
  static void startTemporal() {
    temporal = new LocalFleet();
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  @Test
  void showsEachWaveAndPlaneTheHaltsAndEachRunningPlanesStepAsItsOwnRunHasIt() {
    temporal.start("mesh");
    String prodUs =
        temporal.plane(
            "prod-us",
            Statuses.of(
                    RunState.RUNNING,
                    Step.CONTROL_PLANE,
                    Statuses.stepsUpTo(
                        Step.CONTROL_PLANE,
                        StepState.RUNNING,
                        Instant.parse("2026-03-01T12:00:00Z")))
                .build());
    temporal.show(
        "mesh",
        Fleets.fleet(
            "mesh",
            FleetState.HALTED,
            "prod",
            List.of(
                new FleetHalt(
                    "staging",
                    "the soak check of staging-mgmt is RED",
                    "2026-03-01T10:00:00Z",
                    FleetAction.CONTINUE,
                    "alice",
                    "CHG-7",
                    "2026-03-01T10:05:00Z"),
                Fleets.openHalt("prod", "prod-eu needs attention")),
            wave(
                "staging",
                WaveState.DONE,
                plane("staging-mgmt", PlaneState.SUCCEEDED, Step.VERIFY)),
            wave(
                "prod",
                WaveState.RUNNING,
                // The fleet last heard of prod-us at scale down; its run has gone on since.
                Fleets.withRun(plane("prod-us", PlaneState.RUNNING, Step.SCALE_DOWN), prodUs),
                plane("prod-eu", PlaneState.RUNNING, Step.SCALE_DOWN))));

    GmuRun status = temporal.gmu("status", "--fleet", "mesh");

    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out())
        .startsWith(
            """
            workflow gloo-mesh-fleet-mesh
            fleet mesh to 0.12.8: HALTED, wave prod, approval per-wave
            HALTED in wave prod since 2026-03-01T12:00:00Z: prod-eu needs attention
              answer: gmu fleet continue --fleet mesh --action CONTINUE|RECHECK|STOP --by <you> --reason <why>
            """
                .replace("\n", System.lineSeparator()))
        .contains("staging  DONE     staging-mgmt  SUCCEEDED             11 verify")
        .contains("prod     RUNNING  prod-us       RUNNING               5 control plane")
        .contains("                  prod-eu       RUNNING               ?")
        .contains("?: the step of prod-eu could not be asked of its own run: ")
        .contains("    CONTINUE by alice at 2026-03-01T10:05:00Z: CHG-7")
        .contains("    not answered yet");
  }

  @Test
  void jsonPrintsTheStatusQuery() {
    temporal.start("as-json");

    GmuRun json = temporal.gmu("status", "--fleet", "as-json", "--json");

    assertThat(json.exit()).as(json.err()).isZero();
    assertThat(json.out())
        .contains("\"name\" : \"as-json\"")
        .contains("\"state\" : \"RUNNING\"")
        .contains("\"context\" : \"prod-eu\"");
  }

  @Test
  void aFleetThatDoesNotExistIsNamed() {
    GmuRun status = temporal.gmu("status", "--fleet", "nope");

    assertThat(status.exit()).isEqualTo(1);
    assertThat(status.err())
        .contains(
            "error: no fleet named nope: there is no workflow gloo-mesh-fleet-nope in namespace default");
  }
}
