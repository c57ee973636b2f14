package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.verify.VerifyReport;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.DiscoveryProgress;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepState;
import org.gloomeshupgrade.workflow.StepStatus;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.Test;

class StatusRendererTest {
  private static List<StepStatus> steps(Step current, StepState currentState) {
    List<StepStatus> steps = new ArrayList<>();
    for (Step s : Step.values()) {
      StepState state = s.compareTo(current) < 0 ? StepState.SUCCEEDED : s == current ? currentState : StepState.PENDING;
      steps.add(new StepStatus(s, state, "", "", state == StepState.SUCCEEDED ? 1500 : 0,
          state == StepState.SUCCEEDED ? "done " + s.title() : "", 1));
    }
    return steps;
  }

  @Test
  void showsEachStepWithItsStateTimeAndWhatIsAwaited() {
    UpgradeStatus waiting = new UpgradeStatus(RunState.WAITING_FOR_APPROVAL, "mgmt", "0.10.10", "0.11.3",
        Step.APPROVAL, steps(Step.APPROVAL, StepState.WAITING),
        new DiscoveryProgress(Map.of("Mesh", 2), Map.of("Mesh", 2), 3, "inventory back: {Mesh=2}"),
        "approval to scale networking up: gmu approve ...", "", null, List.of(), List.of("skipping minor lines"), null);

    String text = StatusRenderer.render(waiting);

    assertThat(text.lines().findFirst().orElseThrow())
        .isEqualTo("Gloo Mesh 0.10.10 -> 0.11.3 on mgmt: WAITING_FOR_APPROVAL at step 9 (approval)");
    assertThat(text).contains("  ok      2 scale down            1.5s done scale down")
        .contains("  WAIT    9 approval")
        .contains("discovery: {Mesh=2} of {Mesh=2} after 3 polls, inventory back: {Mesh=2}")
        .contains("awaiting approval to scale networking up: gmu approve ...")
        .contains("warning: skipping minor lines");
  }

  @Test
  void showsTheFailureAndTheVerifyReportWithHints() {
    UpgradeStatus stuck = new UpgradeStatus(RunState.NEEDS_ATTENTION, "mgmt", "0.10.10", "0.11.3", Step.VERIFY,
        steps(Step.VERIFY, StepState.NEEDS_ATTENTION), new DiscoveryProgress(Map.of(), Map.of(), 0, ""), "a decision",
        "step 11 (verify) failed: networking not accepted", new Approval("alice", "CHG-1"),
        List.of("CONFORMANCE: SKIP by bob (unused field)"), List.of(),
        new VerifyReport(List.of(new VerifyCheck("networking resources accepted", CheckLevel.RED, "6 of 7",
            "read status.errors"))));

    String text = StatusRenderer.render(stuck);

    assertThat(text).contains("  !!     11 verify")
        .contains("NEEDS ATTENTION: step 11 (verify) failed: networking not accepted")
        .contains("approved by alice: CHG-1")
        .contains("decision: CONFORMANCE: SKIP by bob (unused field)")
        .contains("verify: RED")
        .contains("RED    networking resources accepted  6 of 7 (hint: read status.errors)")
        .doesNotContain("discovery:");
  }
}
