package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.Fleets.plane;
import static org.gloomeshupgrade.cli.Fleets.wave;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.WaveState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `gmu fleet resume`: the run it starts, and the fleets it refuses to carry on. */
class FleetResumeCommandTest {
  private static LocalFleet temporal;

  @BeforeAll
  static void startTemporal() {
    temporal = new LocalFleet();
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  /** Staging done (soaked), prod halted on prod-eu. */
  private static FleetStatus haltedInProd(String name) {
    return Fleets.fleet(
        name,
        FleetState.HALTED,
        "prod",
        List.of(Fleets.openHalt("prod", "prod-eu needs attention")),
        wave("staging", WaveState.DONE, plane("staging-mgmt", PlaneState.SUCCEEDED, Step.VERIFY)),
        wave(
            "prod",
            WaveState.RUNNING,
            plane("prod-us", PlaneState.SUCCEEDED, Step.VERIFY),
            plane("prod-eu", PlaneState.NEEDS_ATTENTION, Step.DISCOVERY)));
  }

  /** An argument of the run's workflow method, as JSON. */
  private static JsonNode input(String name, String runId, int argument) {
    var payload =
        temporal
            .client
            .fetchHistory(UpgradeNames.fleetWorkflowId(name), runId)
            .getEvents()
            .get(0)
            .getWorkflowExecutionStartedEventAttributes()
            .getInput()
            .getPayloads(argument);
    return DefaultDataConverter.newDefaultInstance()
        .fromPayload(payload, JsonNode.class, JsonNode.class);
  }

  @Test
  void aTerminatedFleetIsCarriedOnByANewRunWithItsRequestTheRunAndTheWavesThatSoaked() {
    String first = temporal.start("cut");
    temporal.show("cut", haltedInProd("cut"));
    temporal.terminate("cut");

    GmuRun resumed = temporal.gmu("resume", "--fleet", "cut");

    assertThat(resumed.exit()).as(resumed.err()).isZero();
    String second = temporal.latestRun("cut");
    assertThat(second).isNotEqualTo(first);
    assertThat(resumed.out())
        .contains(
            "resumed fleet cut: workflow gloo-mesh-fleet-cut run %s, carrying on run %s; waves not soaked again: staging"
                .formatted(second, first))
        .contains("gmu fleet watch --fleet cut");
    assertThat(input("cut", second, 0)).isEqualTo(input("cut", first, 0));
    JsonNode resume = input("cut", second, 1);
    assertThat(resume.get("resumedFrom").asText()).isEqualTo(first);
    assertThat(resume.get("soakedWaves").toString()).isEqualTo("[\"staging\"]");
    assertThat(temporal.until("cut", s -> true).resumedFrom()).isEqualTo(first);
  }

  @Test
  void aStoppedFleetIsCarriedOnToo() {
    String first = temporal.start("stopped");
    temporal.show("stopped", haltedInProd("stopped"));
    GmuRun stop =
        temporal.gmu(
            "continue",
            "--fleet",
            "stopped",
            "--action",
            "STOP",
            "--by",
            "bob",
            "--reason",
            "later");
    assertThat(stop.exit()).as(stop.err()).isZero();
    temporal.completed("stopped");

    GmuRun resumed = temporal.gmu("resume", "--fleet", "stopped");

    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("carrying on run " + first);
  }

  @Test
  void aRunningFleetIsRefusedPointingAtContinueAndNoRunStarts() {
    String running = temporal.start("running");
    temporal.show("running", haltedInProd("running"));

    GmuRun resumed = temporal.gmu("resume", "--fleet", "running");

    assertThat(resumed.exit()).isEqualTo(3);
    assertThat(resumed.err())
        .contains("error: fleet running (run " + running + ") is still running")
        .contains("gmu fleet continue --fleet running --action CONTINUE|RECHECK|STOP");
    assertThat(temporal.latestRun("running")).isEqualTo(running);
  }

  @Test
  void aSucceededFleetIsRefusedAndNoRunStarts() {
    String succeeded = temporal.start("done");
    temporal.show(
        "done",
        Fleets.fleet(
            "done",
            FleetState.SUCCEEDED,
            "",
            List.of(),
            wave(
                "staging",
                WaveState.DONE,
                plane("staging-mgmt", PlaneState.SUCCEEDED, Step.VERIFY))));
    temporal.completed("done");

    GmuRun resumed = temporal.gmu("resume", "--fleet", "done");

    assertThat(resumed.exit()).isEqualTo(5);
    assertThat(resumed.err())
        .contains(
            "error: fleet done (run " + succeeded + ") SUCCEEDED: there is nothing to carry on");
    assertThat(temporal.latestRun("done")).isEqualTo(succeeded);
  }

  @Test
  void aFleetThatDoesNotExistIsRefused() {
    GmuRun resumed = temporal.gmu("resume", "--fleet", "never");

    assertThat(resumed.exit()).isEqualTo(4);
    assertThat(resumed.err())
        .contains("error: no fleet named never: there is no workflow gloo-mesh-fleet-never");
  }
}
