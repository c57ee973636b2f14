package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A run's metrics count what happened once each: every workflow task here replays the whole history
 * (no workflow cache), as after a worker restart, and nothing is counted twice.
 */
class RunMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Scope scope =
      new RootScopeBuilder()
          .reporter(new MicrometerClientStatsReporter(registry))
          .reportEvery(com.uber.m3.util.Duration.ofMillis(10));
  private final UpgradeRig rig =
      new UpgradeRig(
          new FakeMesh(),
          TestEnvironmentOptions.newBuilder()
              .setMetricsScope(scope)
              .setWorkerFactoryOptions(
                  WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(0).build())
              .build());

  @AfterEach
  void stop() {
    rig.close();
  }

  @Test
  void stepsGatesOverdueApprovalsAndTheEndAreEachCountedOnceDespiteReplays() throws Exception {
    rig.mesh.conformanceProblems.add(
        new ConformanceProblem(
            "Settings", "gloo-mesh", "settings", "$.spec.istio", "not in the new schema", "move"));
    GlooMeshUpgradeWorkflow wf = rig.start("{\"targetVersion\":\"0.11.3\"}");

    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    wf.decideNow(
        new StepDecision(Step.CONFORMANCE, Decision.SKIP, "dave", "unused", wf.status().gate()));
    UpgradeStatus waiting = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    Instant opened = Instant.parse(waiting.gateOpenedAt());
    assertThat(opened)
        .isEqualTo(Instant.parse(UpgradeRig.step(waiting, Step.APPROVAL).startedAt()));
    rig.env.sleep(Duration.ofMinutes(90));
    UpgradeStatus overdue = wf.status();
    assertThat(overdue.warnings()).anySatisfy(w -> assertThat(w).startsWith("reminder:"));
    assertThat(overdue.gateOpenedAt())
        .as("the reminder keeps the gate")
        .isEqualTo(waiting.gateOpenedAt());
    wf.approve(new Approval("alice", "CHG-1", overdue.gate()));
    UpgradeReport report = UpgradeRig.result(wf);
    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(wf.status().gateOpenedAt()).isEmpty();
    scope.close();

    assertThat(counter(RunMetrics.GATES_OPENED, "kind", "decision")).isEqualTo(1);
    assertThat(counter(RunMetrics.GATES_OPENED, "kind", "approval")).isEqualTo(1);
    assertThat(registry.find(RunMetrics.APPROVALS_OVERDUE).counter().count()).isEqualTo(1);
    assertThat(counter(RunMetrics.RUNS_ENDED, "state", "SUCCEEDED")).isEqualTo(1);
    assertThat(registry.find(RunMetrics.RUNS_ENDED).counters()).hasSize(1);
    for (StepStatus step : report.steps()) {
      Timer timer =
          registry
              .find(RunMetrics.STEP_DURATION)
              .tag("step", step.step().name())
              .tag("outcome", step.state().name())
              .timer();
      assertThat(timer).as(step.toString()).isNotNull();
      assertThat(timer.count()).as(step.toString()).isEqualTo(1);
    }
    assertThat(registry.find(RunMetrics.STEP_DURATION).timers()).hasSize(report.steps().size());
    Timer approval = registry.find(RunMetrics.STEP_DURATION).tag("step", "APPROVAL").timer();
    assertThat(approval.totalTime(TimeUnit.MINUTES)).isGreaterThanOrEqualTo(90);
  }

  private double counter(String name, String tag, String value) {
    Counter counter = registry.find(name).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }
}
