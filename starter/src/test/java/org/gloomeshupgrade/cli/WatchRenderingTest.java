package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.verify.VerifyReport;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.DiscoveryProgress;
import org.gloomeshupgrade.workflow.NetworkingProgress;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepState;
import org.gloomeshupgrade.workflow.StepStatus;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.Test;

class WatchRenderingTest {
  private static final Instant STARTED = Instant.parse("2025-03-01T12:00:00Z");
  private static final String APPROVE =
      "approval to scale networking up: gmu approve --workflow-id "
          + "gloo-mesh-upgrade-mgmt --by <you> --reason <why>";

  @Test
  void aRunInProgressShowsEachStepAndHowLongTheCurrentOneHasRunSoFar() {
    Statuses s =
        Statuses.of(
            RunState.RUNNING,
            Step.DISCOVERY,
            Statuses.stepsUpTo(Step.DISCOVERY, StepState.RUNNING, STARTED));
    s.discovery = new DiscoveryProgress(Map.of("Mesh", 2), Map.of("Mesh", 1), 3, "");
    UpgradeStatus running = s.build();

    String frame = WatchView.frame(running, STARTED.plusMillis(42_500));

    assertThat(frame.lines().findFirst().orElseThrow())
        .isEqualTo("Gloo Mesh 0.10.10 -> 0.11.3 on mgmt: RUNNING at step 8 (discovery)");
    assertThat(frame)
        .contains("  ok      7 re-register           1.5s done re-register")
        .contains("  ..      8 discovery            42.5s")
        .contains("\n          9 approval\n")
        .contains("discovery: {Mesh=1} of {Mesh=2} after 3 polls")
        .doesNotContain("awaiting");
    assertThat(WatchEnd.of(running.state())).isEmpty();
  }

  @Test
  void withoutAClockTheRunningStepShowsNoTimeSoThatALogLineDoesNotChangeEveryPoll() {
    UpgradeStatus running =
        Statuses.of(
                RunState.RUNNING,
                Step.DISCOVERY,
                Statuses.stepsUpTo(Step.DISCOVERY, StepState.RUNNING, STARTED))
            .build();

    assertThat(WatchView.frame(running, null)).contains("\n  ..      8 discovery\n");
  }

  @Test
  void aRunWaitingForApprovalEndsTheWatchWithTheCommandThatAnswers() {
    Statuses s =
        Statuses.of(
            RunState.WAITING_FOR_APPROVAL,
            Step.APPROVAL,
            Statuses.stepsUpTo(Step.APPROVAL, StepState.WAITING, STARTED));
    s.awaiting = APPROVE;
    UpgradeStatus waiting = s.build();

    WatchEnd end = WatchEnd.of(waiting.state()).orElseThrow();

    assertThat(end.exitCode).isEqualTo(2);
    assertThat(WatchView.frame(waiting, STARTED.plusSeconds(5)))
        .contains("  WAIT    9 approval              5.0s")
        .contains("awaiting " + APPROVE);
    assertThat(WatchView.ending(waiting, end))
        .isEqualTo(
            "stopped watching: the run waits for a person (WAITING_FOR_APPROVAL): " + APPROVE);
  }

  @Test
  void aFinishedRunShowsEveryStepsTimeAndTheFinalReport() {
    List<StepStatus> steps =
        new ArrayList<>(Statuses.stepsUpTo(Step.VERIFY, StepState.SUCCEEDED, STARTED));
    steps.set(
        Step.VERIFY.ordinal(),
        new StepStatus(
            Step.VERIFY,
            StepState.SUCCEEDED,
            STARTED.toString(),
            STARTED.plusSeconds(2).toString(),
            2000,
            "3 checks, overall GREEN",
            1));
    Statuses s = Statuses.of(RunState.SUCCEEDED, Step.VERIFY, steps);
    s.approval = new Approval("alice", "CHG-42");
    s.networking = new NetworkingProgress(4, 4, List.of(), List.of(), 2, "all ACCEPTED");
    s.verify =
        new VerifyReport(
            List.of(new VerifyCheck("deployments available", CheckLevel.GREEN, "2 of 2", "")));
    UpgradeStatus finished = s.build();

    WatchEnd end = WatchEnd.of(finished.state()).orElseThrow();

    assertThat(end.exitCode).isZero();
    assertThat(WatchView.frame(finished, STARTED.plusSeconds(3600)))
        .contains("  ok     11 verify                2.0s " + "3 checks, overall GREEN")
        .contains("networking: 4 of 4 ACCEPTED after 2 polls, settled")
        .contains("approved by alice: CHG-42")
        .contains("final report: GREEN");
    assertThat(WatchView.ending(finished, end)).isEqualTo("finished: SUCCEEDED");
  }

  @Test
  void aRunThatStoppedForADecisionNeedsAPersonAndOneThatWasRejectedEndedBadly() {
    assertThat(WatchEnd.of(RunState.NEEDS_ATTENTION)).contains(WatchEnd.NEEDS_A_PERSON);
    assertThat(WatchEnd.of(RunState.DRY_RUN_COMPLETE)).contains(WatchEnd.FINISHED);
    for (RunState bad :
        List.of(
            RunState.REJECTED,
            RunState.ABORTED,
            RunState.FAILED,
            RunState.FINISHED_WITH_PROBLEMS)) {
      assertThat(WatchEnd.of(bad)).as(bad.name()).contains(WatchEnd.ENDED_BADLY);
    }
    assertThat(WatchEnd.ENDED_BADLY.exitCode).isEqualTo(1);
  }

  @Test
  void aLogGetsOnlyTheLinesThatChangedSinceTheLastFrame() {
    assertThat(
            WatchView.changedLines(
                "head\n  ..  2 scale down\n   3 delete\nwarning: x",
                "head\n  ok  2 scale down\n  ..  3 delete\nwarning: x\nwarning: x"))
        .containsExactly("  ok  2 scale down", "  ..  3 delete", "warning: x");
  }
}
