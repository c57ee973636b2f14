package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepState;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.Test;

/** The watch loop over a scripted sequence of statuses: what it prints where, and when it stops. */
class WatchCommandTest {
  private static final Instant STARTED = Instant.parse("2025-03-01T12:00:00Z");

  private final List<Duration> pauses = new ArrayList<>();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  private int follow(boolean terminal, Instant now, UpgradeStatus... statuses)
      throws InterruptedException {
    Deque<UpgradeStatus> next = new ArrayDeque<>(List.of(statuses));
    return WatchCommand.follow(
        next::removeFirst,
        new PrintStream(printed, true, StandardCharsets.UTF_8),
        terminal,
        Duration.ofSeconds(1),
        Clock.fixed(now, ZoneOffset.UTC),
        pauses::add);
  }

  private static UpgradeStatus at(RunState state, Step step, StepState stepState) {
    Statuses s = Statuses.of(state, step, Statuses.stepsUpTo(step, stepState, STARTED));
    if (state == RunState.NEEDS_ATTENTION) {
      s.attention = "step 3 (delete discovery) failed: 403";
      s.awaiting =
          "a decision for step DELETE_DISCOVERY (RETRY, SKIP or ABORT): gmu decide --workflow-id "
              + "gloo-mesh-upgrade-mgmt --step DELETE_DISCOVERY --decision RETRY --by <you>";
    }
    return s.build();
  }

  @Test
  void inALogEachChangeIsPrintedOnceWithoutClearingTheScreenUntilAPersonIsNeeded()
      throws Exception {
    UpgradeStatus scaling = at(RunState.RUNNING, Step.SCALE_DOWN, StepState.RUNNING);
    UpgradeStatus deleting = at(RunState.RUNNING, Step.DELETE_DISCOVERY, StepState.RUNNING);
    UpgradeStatus stuck =
        at(RunState.NEEDS_ATTENTION, Step.DELETE_DISCOVERY, StepState.NEEDS_ATTENTION);

    int exit = follow(false, STARTED.plusSeconds(30), scaling, scaling, deleting, stuck);

    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).isEqualTo(2);
    assertThat(pauses)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(out).doesNotContain("\033");
    assertThat(out.lines().filter(l -> l.equals("  ..      2 scale down"))).hasSize(1);
    assertThat(out.lines().filter(l -> l.startsWith("    ") && l.contains("11 verify"))).hasSize(1);
    assertThat(out.lines().filter(l -> l.contains("3 delete discovery")))
        .containsExactly(
            "          3 delete discovery",
            "  ..      3 delete discovery",
            "  !!      3 delete discovery");
    assertThat(out.lines().toList().get(out.lines().toList().size() - 1))
        .isEqualTo(
            "stopped watching: the run waits for a person (NEEDS_ATTENTION): a decision for step DELETE_DISCOVERY "
                + "(RETRY, SKIP or ABORT): gmu decide --workflow-id gloo-mesh-upgrade-mgmt --step DELETE_DISCOVERY "
                + "--decision RETRY --by <you>");
  }

  @Test
  void onATerminalEachNewFrameReplacesTheLastWithTheRunningStepsTimeSoFar() throws Exception {
    UpgradeStatus scaling = at(RunState.RUNNING, Step.SCALE_DOWN, StepState.RUNNING);
    UpgradeStatus done = at(RunState.SUCCEEDED, Step.VERIFY, StepState.SUCCEEDED);

    int exit = follow(true, STARTED.plusSeconds(7), scaling, done);

    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).isZero();
    assertThat(out.split("\033\\[H\033\\[2J", -1)).hasSize(3);
    assertThat(out)
        .contains("  ..      2 scale down            7.0s")
        .endsWith("finished: SUCCEEDED" + System.lineSeparator());
  }

  @Test
  void watchingARealRunThatStoppedForADecisionEndsWithTheCommandThatAnswers() throws Exception {
    try (LocalRun run = new LocalRun()) {
      GmuRun watched =
          GmuRun.gmu("watch", "--address", run.address(), "-w", LocalRun.ID, "--interval", "100ms");

      assertThat(watched.exit()).as(watched.err()).isEqualTo(2);
      assertThat(watched.out())
          .contains("NEEDS_ATTENTION at step 0 (preflight)")
          .doesNotContain("\033");
      assertThat(watched.out().lines().reduce((a, b) -> b).orElseThrow())
          .startsWith(
              "stopped watching: the run waits for a person (NEEDS_ATTENTION): a decision on the conformance "
                  + "problems of step PREFLIGHT")
          .contains(
              "gmu decide --workflow-id "
                  + LocalRun.ID
                  + " --step PREFLIGHT --gate "
                  + run.workflow.status().gate()
                  + " --decision ACCEPT");
    }
  }
}
