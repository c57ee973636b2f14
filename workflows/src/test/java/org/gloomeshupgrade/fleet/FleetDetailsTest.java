package org.gloomeshupgrade.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.junit.jupiter.api.Test;

class FleetDetailsTest {
  private static FleetStatus halted(List<FleetHalt> halts) {
    return new FleetStatus(
        "mesh",
        FleetState.HALTED,
        "0.11.3",
        FleetApproval.PER_WAVE,
        "prod",
        List.of(
            new WaveStatus(
                "staging",
                WaveState.DONE,
                "carol",
                "2026-12-04T10:00:00Z",
                List.of(),
                List.of(
                    new PlaneStatus(
                        "staging",
                        "gloo-mesh-upgrade-staging",
                        "r1",
                        PlaneState.SUCCEEDED,
                        RunState.SUCCEEDED,
                        Step.VERIFY,
                        "",
                        CheckLevel.GREEN,
                        ""))),
            new WaveStatus(
                "prod",
                WaveState.RUNNING,
                "",
                "",
                List.of(),
                List.of(
                    new PlaneStatus(
                        "prod-us",
                        "gloo-mesh-upgrade-prod-us",
                        "r2",
                        PlaneState.NEEDS_ATTENTION,
                        RunState.NEEDS_ATTENTION,
                        Step.DISCOVERY,
                        "decision-1",
                        null,
                        "step 8 (discovery) failed | settle"),
                    new PlaneStatus(
                        "prod-eu",
                        "gloo-mesh-upgrade-prod-eu",
                        "",
                        PlaneState.PENDING,
                        null,
                        null,
                        "",
                        null,
                        "")))),
        halts,
        List.of(),
        "");
  }

  @Test
  void aHaltedFleetShowsWhyAndTheCommandThatAnswers() {
    String md =
        FleetDetails.markdown(
            halted(
                List.of(
                    new FleetHalt(
                        "prod",
                        "prod-us NEEDS_ATTENTION",
                        "2026-12-04T11:00:00Z",
                        null,
                        "",
                        "",
                        ""))));

    assertThat(md)
        .startsWith("**Fleet mesh to 0.11.3: HALTED**, wave prod")
        .contains("Halted in wave prod since 2026-12-04T11:00:00Z: prod-us NEEDS_ATTENTION")
        .contains("`gmu fleet continue --fleet mesh --action CONTINUE|RECHECK|STOP")
        .contains(
            "| staging (DONE, approved by carol) | staging | SUCCEEDED | VERIFY |  | GREEN |  |")
        .contains("| prod (RUNNING) | prod-us | NEEDS_ATTENTION | DISCOVERY | decision-1 |  |")
        .contains("step 8 (discovery) failed \\| settle")
        .contains("|  | prod-eu | PENDING |  |  |  |  |");
  }

  @Test
  void anAnsweredHaltIsNoLongerShownAsOpen() {
    String md =
        FleetDetails.markdown(
            halted(
                List.of(
                    new FleetHalt(
                        "prod",
                        "prod-us NEEDS_ATTENTION",
                        "2026-12-04T11:00:00Z",
                        FleetAction.CONTINUE,
                        "bob",
                        "retried",
                        "2026-12-04T11:05:00Z"))));

    assertThat(md).doesNotContain("Halted in wave").doesNotContain("gmu fleet continue");
  }
}
