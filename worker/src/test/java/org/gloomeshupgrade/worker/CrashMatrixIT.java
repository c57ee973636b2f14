package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.gloomeshupgrade.testkit.RecordedCall;
import org.gloomeshupgrade.testkit.RequestHold;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The worker process SIGKILLed inside each step's main activity, while the activity waits in a
 * request to a simulated API server, and a new worker started: the run ends as it would have
 * without the crash, nothing is lost, networking stays at 0 until the approval, and the table
 * printed at the end gives the seconds from each kill to the retry of the killed activity.
 *
 * <p>{@code mvn verify} runs the cases marked for CI; {@code -Dgmu.crash=all} runs every one
 * (README: "The crash matrix").
 */
class CrashMatrixIT {
  /** Which cases run: "ci" (default), "all", or a comma-separated list of case names. */
  private static final String SELECTED = System.getProperty("gmu.crash", "ci");

  private static final List<String> ROWS = new ArrayList<>();

  enum Crash {
    PREFLIGHT("Preflight", false),
    TOOLING("ResolveTooling", false),
    BACKUP("BackupConfiguration", false),
    SCALE_DOWN("ScaleDeployment", false),
    DELETE_DISCOVERY("DeleteDiscoveryResources", true),
    CRDS("ApplyCrds", false),
    CONTROL_PLANE("UpgradeControlPlane", true),
    CONFORMANCE("CheckConformance", false),
    REREGISTER("ReRegisterCluster", false),
    DISCOVERY_WAIT("CountDiscoveryResources", false),
    NETWORKING_WAIT("NetworkingStatus", true),
    VERIFY("Verify", false),
    ROLLBACK_RESTORE("RestoreConfiguration", false);

    final String activity;
    final boolean inCi;

    Crash(String activity, boolean inCi) {
      this.activity = activity;
      this.inCi = inCi;
    }

    boolean selected() {
      return switch (SELECTED) {
        case "all" -> true;
        case "ci" -> inCi;
        default ->
            Arrays.stream(SELECTED.split(","))
                .map(s -> s.trim().toUpperCase(Locale.ROOT))
                .anyMatch(name()::equals);
      };
    }
  }

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Crash.class)
  void aWorkerKilledInsideTheStepIsReplacedAndTheRunEndsAsWithoutTheCrash(Crash crash)
      throws Exception {
    assumeThat(crash.selected()).as("selected by -Dgmu.crash=" + SELECTED).isTrue();
    try (CliUpgrade run = new CliUpgrade(dir)) {
      SimulatedGlooMesh sim = run.simulate(Duration.ofMillis(100));
      try (ActivityAttempts attempts =
          new ActivityAttempts(run.temporal.address(), crash.activity)) {
        new Case(crash, run, sim, attempts).play();
      } catch (AssertionError | Exception e) {
        throw run.withLogs(e);
      }
    }
  }

  @AfterAll
  static void printTheMatrix() {
    if (!ROWS.isEmpty()) {
      System.out.println(
          """
          crash matrix (SIGKILL inside the step's activity, new worker started at once)
          | step | activity | kill to retry (s) | outcome |
          |---|---|---|---|
          %s"""
              .formatted(String.join("\n", ROWS)));
    }
  }

  /** One row of the matrix: the run, the kill, the new worker, and what is checked. */
  private static final class Case {
    private final Crash crash;
    private final CliUpgrade run;
    private final SimulatedGlooMesh sim;
    private final ActivityAttempts attempts;
    private final GlooMeshUpgradeWorkflow wf;

    /**
     * The first request after the approval, or after the decision to roll back: before it,
     * networking stays at 0.
     */
    private long approvalAt = Long.MAX_VALUE;

    Case(Crash crash, CliUpgrade run, SimulatedGlooMesh sim, ActivityAttempts attempts) {
      this.crash = crash;
      this.run = run;
      this.sim = sim;
      this.attempts = attempts;
      this.wf =
          attempts
              .client()
              .newWorkflowStub(
                  GlooMeshUpgradeWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(CliUpgrade.ID)
                      .setTaskQueue(UpgradeNames.TASK_QUEUE)
                      .build());
    }

    void play() throws Exception {
      List<RequestHold> holds =
          sim.clusters().stream()
              .map(c -> sim.faults(c).holdFirst(call -> attempts.firstAttemptRunning()))
              .toList();
      boolean rollback = crash == Crash.ROLLBACK_RESTORE;
      if (rollback) {
        sim.faults("mgmt")
            .failNext("DELETE", ".*/apis/discovery\\.mesh\\.gloo\\.solo\\.io/.*", 403, 1000);
      }
      WorkerProcess first = run.startWorker();
      WorkflowClient.start(wf::upgrade, run.request());

      RecordedCall held = awaitHeld(holds, rollback);
      Instant killed = Instant.now();
      first.kill();
      holds.forEach(RequestHold::release);
      try (WorkerProcess second = run.startWorker()) {
        Duration toRetry = attempts.awaitRetry(killed);
        UpgradeReport report = finish();

        RunState expected = rollback ? RunState.ROLLED_BACK : RunState.SUCCEEDED;
        assertThat(report.outcome()).as("outcome after a crash in " + crash).isEqualTo(expected);
        run.assertConfigurationUnchanged();
        assertNoNetworkingBeforeTheApproval();
        assertThat(run.history()).as("the killed attempt was retried").contains("\"attempt\": 2");
        ROWS.add(
            "| %s | %s | %.1f | %s (held %s %s) |"
                .formatted(
                    crash.name().toLowerCase(Locale.ROOT).replace('_', ' '),
                    crash.activity,
                    toRetry.toMillis() / 1000.0,
                    report.outcome(),
                    held.method(),
                    held.pathWithoutQuery()));
      }
    }

    /** Answers the gates a run meets on its way to the crash's step, until a request is held. */
    private RecordedCall awaitHeld(List<RequestHold> holds, boolean rollback) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (System.nanoTime() < deadline) {
        for (RequestHold hold : holds) {
          Optional<RecordedCall> held = hold.awaitHeld(Duration.ofMillis(100));
          if (held.isPresent()) {
            return held.get();
          }
        }
        answerOpenGate(rollback);
      }
      throw new AssertionError(
          "no request of activity %s was held; status: %s".formatted(crash.activity, wf.status()));
    }

    private void answerOpenGate(boolean rollback) {
      UpgradeStatus status = status();
      if (status.state() == RunState.WAITING_FOR_APPROVAL) {
        markRelease();
        wf.approveNow(new Approval("crash-matrix", "approved by the test", status.gate()));
      } else if (status.state() == RunState.NEEDS_ATTENTION && rollback) {
        sim.faults("mgmt").clear();
        markRelease();
        wf.decideNow(
            new StepDecision(
                status.currentStep(),
                Decision.ROLLBACK,
                "crash-matrix",
                "rolling back to crash in the restore",
                status.gate()));
      } else if (status.state() == RunState.NEEDS_ATTENTION) {
        throw new AssertionError("the run needs attention before the crash: " + status);
      }
    }

    /**
     * The status query; one a worker cannot answer (a worker still starting) is asked again: the
     * run's outcome is what is tested, not the query's.
     */
    private UpgradeStatus status() {
      return await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptionsInstanceOf(WorkflowQueryException.class)
          .until(wf::status, s -> s != null);
    }

    private void markRelease() {
      approvalAt =
          sim.journal("mgmt").all().stream().mapToLong(RecordedCall::sequence).max().orElse(0) + 1;
    }

    private UpgradeReport finish() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (System.nanoTime() < deadline) {
        UpgradeStatus status = status();
        if (status.state().finished()) {
          return WorkflowStub.fromTyped(wf).getResult(10, TimeUnit.SECONDS, UpgradeReport.class);
        }
        answerOpenGate(crash == Crash.ROLLBACK_RESTORE);
        Thread.sleep(200);
      }
      throw new AssertionError("the run did not end; its status: " + wf.status());
    }

    private void assertNoNetworkingBeforeTheApproval() {
      var before =
          sim.journal("mgmt").replicaChanges("networking").stream()
              .filter(c -> c.sequence() < approvalAt)
              .collect(Collectors.toList());
      assertThat(before).isNotEmpty();
      assertThat(before)
          .allSatisfy(c -> assertThat(c.replicas()).as("networking before the approval").isZero());
    }
  }
}
