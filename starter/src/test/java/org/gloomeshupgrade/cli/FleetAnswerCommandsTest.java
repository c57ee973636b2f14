package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.Fleets.plane;
import static org.gloomeshupgrade.cli.Fleets.wave;

import java.util.List;
import org.gloomeshupgrade.fleet.FleetAction;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.WaveState;
import org.gloomeshupgrade.workflow.Step;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `gmu fleet approve` and `gmu fleet continue`: the fleet's yes, and its no with its reason. */
class FleetAnswerCommandsTest {
  private static LocalFleet temporal;

  @BeforeAll
  static void startTemporal() {
    temporal = new LocalFleet();
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  private static FleetStatus prodWith(String name, FleetState state, PlaneState prodEu) {
    return Fleets.fleet(
        name,
        state,
        "prod",
        state == FleetState.HALTED
            ? List.of(Fleets.openHalt("prod", "prod-eu needs attention"))
            : List.of(),
        wave("staging", WaveState.DONE, plane("staging-mgmt", PlaneState.SUCCEEDED, Step.VERIFY)),
        wave("prod", WaveState.RUNNING, plane("prod-eu", prodEu, Step.APPROVAL)));
  }

  @Test
  void anApprovalTheFleetRefusesIsPrintedWithItsReasonAndExitsOne() {
    temporal.start("early");
    temporal.show("early", prodWith("early", FleetState.RUNNING, PlaneState.RUNNING));

    GmuRun approve =
        temporal.gmu(
            "approve", "--fleet", "early", "--wave", "prod", "--by", "bob", "--reason", "CHG-9");

    assertThat(approve.exit()).isEqualTo(1);
    assertThat(approve.err())
        .isEqualTo(
            "error: refused: no plane of wave prod waits for approval yet"
                + System.lineSeparator());
    assertThat(temporal.until("early", s -> true).waves().get(1).approvedBy()).isEmpty();
  }

  @Test
  void anApprovalTheFleetTakesIsPrintedAsItsAnswer() {
    temporal.start("ready");
    temporal.show("ready", prodWith("ready", FleetState.RUNNING, PlaneState.WAITING_FOR_APPROVAL));

    GmuRun approve =
        temporal.gmu(
            "approve", "--fleet", "ready", "--wave", "prod", "--by", "bob", "--reason", "CHG-9");

    assertThat(approve.exit()).as(approve.err()).isZero();
    assertThat(approve.out()).contains("wave prod approved by bob");
    assertThat(temporal.until("ready", s -> true).waves().get(1).approvedBy()).isEqualTo("bob");
  }

  @Test
  void anAnswerToAFleetThatIsNotHaltedIsRefusedWithItsReasonAndExitsOne() {
    temporal.start("busy");
    temporal.show("busy", prodWith("busy", FleetState.RUNNING, PlaneState.RUNNING));

    GmuRun answer =
        temporal.gmu(
            "continue", "--fleet", "busy", "--action", "CONTINUE", "--by", "bob", "--reason", "ok");

    assertThat(answer.exit()).isEqualTo(1);
    assertThat(answer.err())
        .isEqualTo(
            "error: refused: the fleet is not halted (it is RUNNING): nothing to answer"
                + System.lineSeparator());
  }

  @Test
  void anAnswerToAHaltedFleetIsRecordedWithWhoAndWhy() {
    temporal.start("halted");
    temporal.show("halted", prodWith("halted", FleetState.HALTED, PlaneState.NEEDS_ATTENTION));

    GmuRun answer =
        temporal.gmu(
            "continue",
            "--fleet",
            "halted",
            "--action",
            "RECHECK",
            "--by",
            "bob",
            "--reason",
            "fixed the DNS");

    assertThat(answer.exit()).as(answer.err()).isZero();
    assertThat(answer.out())
        .contains("RECHECK recorded for bob")
        .contains("gmu fleet watch --fleet halted");
    var halt = temporal.until("halted", s -> true).halts().get(0);
    assertThat(halt.action()).isEqualTo(FleetAction.RECHECK);
    assertThat(halt.by()).isEqualTo("bob");
    assertThat(halt.why()).isEqualTo("fixed the DNS");
  }

  @Test
  void anAnswerToAFleetThatNoLongerRunsSaysWhatToDoInstead() {
    temporal.start("gone");
    temporal.terminate("gone");

    GmuRun answer =
        temporal.gmu(
            "continue", "--fleet", "gone", "--action", "STOP", "--by", "bob", "--reason", "done");

    assertThat(answer.exit()).isEqualTo(1);
    assertThat(answer.err())
        .contains("error: fleet gone is not running: its latest run")
        .contains("is TERMINATED")
        .contains("gmu fleet resume --fleet gone");
  }
}
