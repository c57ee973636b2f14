package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.Fleets.plane;
import static org.gloomeshupgrade.cli.Fleets.wave;

import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.fleet.FleetAction;
import org.gloomeshupgrade.fleet.FleetApproval;
import org.gloomeshupgrade.fleet.FleetHalt;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.WaveState;
import org.gloomeshupgrade.fleet.WaveStatus;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.workflow.Step;
import org.junit.jupiter.api.Test;

/** `gmu fleet status` as text, from hand-built statuses. */
class FleetStatusRendererTest {
  private static final FleetHalt ANSWERED =
      new FleetHalt(
          "staging",
          "staging: the soak check of staging-mgmt is RED",
          "2026-03-01T10:00:00Z",
          FleetAction.CONTINUE,
          "alice",
          "CHG-7: a known alert",
          "2026-03-01T10:05:00Z");

  private static String render(FleetStatus s) {
    return FleetStatusRenderer.render(new FleetView("mesh", s, "", Map.of(), Map.of()));
  }

  @Test
  void aHaltedFleetShowsTheHaltWithTheCommandThatAnswersEveryEarlierAnswerAndARowPerPlane() {
    WaveStatus staging =
        new WaveStatus(
            "staging",
            WaveState.DONE,
            "bob",
            "2026-03-01T11:00:00Z",
            List.of(),
            List.of(
                Fleets.withLevel(
                    plane("staging-mgmt", PlaneState.SUCCEEDED, Step.VERIFY), CheckLevel.GREEN)));
    WaveStatus prod =
        wave(
            "prod",
            WaveState.RUNNING,
            plane("prod-us", PlaneState.SUCCEEDED, Step.VERIFY),
            plane(
                "prod-eu",
                PlaneState.NEEDS_ATTENTION,
                Step.DISCOVERY,
                "decide-discovery-1",
                "step 8 (discovery) failed: timed out"));
    FleetStatus halted =
        Fleets.fleet(
            "mesh",
            FleetState.HALTED,
            "prod",
            List.of(ANSWERED, Fleets.openHalt("prod", "prod-eu needs attention")),
            staging,
            prod);

    assertThat(render(halted))
        .isEqualTo(
            """
            fleet mesh to 0.12.8: HALTED, wave prod, approval per-wave
            HALTED in wave prod since 2026-03-01T12:00:00Z: prod-eu needs attention
              answer: gmu fleet continue --fleet mesh --action CONTINUE|RECHECK|STOP --by <you> --reason <why>

            WAVE     STATE    PLANE         STATE                 STEP                REPORT  GATE                NOTE
            staging  DONE     staging-mgmt  SUCCEEDED             11 verify           GREEN
            prod     RUNNING  prod-us       SUCCEEDED             11 verify
                              prod-eu       NEEDS_ATTENTION       8 discovery                 decide-discovery-1  step 8 (discovery) failed: timed out
            wave staging: approved by bob; soaked until 2026-03-01T11:00:00Z
            halts:
              2026-03-01T10:00:00Z wave staging: staging: the soak check of staging-mgmt is RED
                CONTINUE by alice at 2026-03-01T10:05:00Z: CHG-7: a known alert
              2026-03-01T12:00:00Z wave prod: prod-eu needs attention
                not answered yet
            each plane is its own run: gmu status -w gloo-mesh-upgrade-<context>"""
                .replace("\n", System.lineSeparator()));
  }

  @Test
  void aRunningPlaneShowsTheStepOfItsOwnRunAndAQuestionMarkWhenItCouldNotBeAsked() {
    FleetStatus running =
        Fleets.fleet(
            "mesh",
            FleetState.RUNNING,
            "prod",
            List.of(),
            wave(
                "prod",
                WaveState.RUNNING,
                plane("prod-us", PlaneState.RUNNING, Step.PREFLIGHT),
                plane("prod-eu", PlaneState.RUNNING, Step.PREFLIGHT)));

    String text =
        FleetStatusRenderer.render(
            new FleetView(
                "mesh",
                running,
                "",
                Map.of("prod-us", Step.CONTROL_PLANE),
                Map.of("prod-eu", "no such upgrade run: gloo-mesh-upgrade-prod-eu")));

    assertThat(text)
        .contains("prod  RUNNING  prod-us  RUNNING               5 control plane")
        .contains("               prod-eu  RUNNING               ?")
        .contains(
            "?: the step of prod-eu could not be asked of its own run: no such upgrade run: gloo-mesh-upgrade-prod-eu")
        .doesNotContain("answer:");
  }

  @Test
  void aWaveWaitingForApprovalShowsTheCommandThatApprovesIt() {
    WaveStatus prod =
        wave(
            "prod",
            WaveState.RUNNING,
            plane("prod-us", PlaneState.WAITING_FOR_APPROVAL, Step.APPROVAL, "approval-1", ""),
            plane("prod-eu", PlaneState.RUNNING, Step.DISCOVERY));

    assertThat(render(Fleets.fleet("mesh", FleetState.RUNNING, "prod", List.of(), prod)))
        .contains(
            """
            wave prod waits for approval (prod-us)
              answer: gmu fleet approve --fleet mesh --wave prod --by <you> --reason <why>"""
                .replace("\n", System.lineSeparator()));
    FleetStatus approved =
        Fleets.fleet(
            "mesh",
            FleetState.RUNNING,
            "prod",
            List.of(),
            new WaveStatus("prod", WaveState.RUNNING, "bob", "", List.of(), prod.planes()));
    assertThat(render(approved)).doesNotContain("answer:").contains("wave prod: approved by bob");
  }

  @Test
  void withApprovalPerPlaneEachWaitingPlaneShowsTheCommandThatApprovesItsOwnRun() {
    FleetStatus perPlane =
        new FleetStatus(
            "mesh",
            FleetState.RUNNING,
            "0.12.8",
            FleetApproval.PER_PLANE,
            "prod",
            List.of(
                wave(
                    "prod",
                    WaveState.RUNNING,
                    plane(
                        "prod-us",
                        PlaneState.WAITING_FOR_APPROVAL,
                        Step.APPROVAL,
                        "approval-1",
                        ""))),
            List.of(),
            List.of("a warning"),
            "");

    assertThat(render(perPlane))
        .contains(
            """
            plane prod-us waits for approval at gate approval-1
              answer: gmu approve -w gloo-mesh-upgrade-prod-us --reason <why>"""
                .replace("\n", System.lineSeparator()))
        .contains("warning: a warning");
  }

  @Test
  void aSoakingWaveShowsWhenItsSoakEndsAndEachCheckThatWasNotGreen() {
    WaveStatus soaking =
        new WaveStatus(
            "staging",
            WaveState.SOAKING,
            "",
            "2026-03-01T11:00:00Z",
            List.of("staging-mgmt: deployments YELLOW: 1 of 2 replicas"),
            List.of(plane("staging-mgmt", PlaneState.SUCCEEDED, Step.VERIFY)));

    assertThat(render(Fleets.fleet("mesh", FleetState.SOAKING, "staging", List.of(), soaking)))
        .contains(
            """
            wave staging: soaks until 2026-03-01T11:00:00Z
              not green: staging-mgmt: deployments YELLOW: 1 of 2 replicas"""
                .replace("\n", System.lineSeparator()));
  }

  @Test
  void aFleetWhoseRunClosedBeforeItFinishedPointsAtResumeRatherThanAtAnswers() {
    FleetStatus halted =
        Fleets.fleet(
            "mesh",
            FleetState.HALTED,
            "prod",
            List.of(Fleets.openHalt("prod", "prod-eu needs attention")),
            wave(
                "prod",
                WaveState.RUNNING,
                plane("prod-eu", PlaneState.NEEDS_ATTENTION, Step.CRDS)));

    String text =
        FleetStatusRenderer.render(new FleetView("mesh", halted, "TERMINATED", Map.of(), Map.of()));

    assertThat(text)
        .contains(
            "the fleet's run is TERMINATED: it goes no further; gmu fleet resume --fleet mesh carries it on")
        .doesNotContain("answer:");
  }
}
