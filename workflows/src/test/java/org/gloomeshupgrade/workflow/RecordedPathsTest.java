package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.gloomeshupgrade.workflow.UpgradeRig.failureOf;
import static org.gloomeshupgrade.workflow.UpgradeRig.result;

import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.WorkflowReplayer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.notify.NotificationDelivery;
import org.gloomeshupgrade.notify.NotificationEvent;
import org.gloomeshupgrade.notify.NotificationRoute;
import org.gloomeshupgrade.verify.NetworkingStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The paths the replay fixtures under {@code src/test/resources/histories} were recorded from, one
 * test each. Each drives its path on the test server over a {@link FakeMesh}, checks the run went
 * that way, and replays the run's own history. With {@code -Dgmu.recordHistory=DIR} it also writes
 * the history to {@code DIR/<fixture>.json}, with a neutral worker identity, to be kept as a
 * fixture: record a path before changing the code it runs through.
 */
class RecordedPathsTest {
  private static final String RECORD_TO = System.getProperty("gmu.recordHistory");

  private UpgradeRig rig = new UpgradeRig();
  private final FakeMesh mesh = rig.mesh;

  @AfterEach
  void stop() {
    rig.close();
  }

  /**
   * Discovery never settles; an update that names no reason is refused, then a rollback by update.
   */
  @Test
  void rollbackAtStep8ByUpdate() throws Exception {
    mesh.discoveryComesBack.set(false);
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
        {"targetVersion":"0.11.3","discoveryTimeout":"1m","discoverySettleWindow":"30s"}""");
    String gate = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
    wf.decideNow(
        new StepDecision(Step.DISCOVERY, Decision.ROLLBACK, "erin", "discovery broken", gate));

    assertThat(result(wf).outcome()).isEqualTo(RunState.ROLLED_BACK);
    keep("rollback-at-step-8-by-update");
  }

  @Test
  void rejectedAtApproval() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
        {"targetVersion":"0.11.3","approvers":["carol"]}""");
    String gate = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
    wf.approve(new Approval("mallory", "not on the list", gate));
    wf.reject(new Approval("carol", "change freeze", gate));

    assertThat(result(wf).outcome()).isEqualTo(RunState.REJECTED);
    keep("rejected-at-approval");
  }

  /** Discovery never settles; a retry by signal waits again, then an abort. */
  @Test
  void abortedAtStep8AfterARetry() throws Exception {
    mesh.discoveryComesBack.set(false);
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
        {"targetVersion":"0.11.3","discoveryTimeout":"1m","discoverySettleWindow":"30s"}""");
    String first = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
    wf.decide(new StepDecision(Step.DISCOVERY, Decision.RETRY, "erin", "", first));
    String second =
        rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION && !s.gate().equals(first)).gate();
    wf.decide(
        new StepDecision(
            Step.DISCOVERY, Decision.ABORT, "erin", "discovery broken on 0.11.3", second));

    assertThat(failureOf(wf).getType()).isEqualTo(FailureTypes.ABORTED);
    keep("aborted-at-step-8-after-a-retry");
  }

  @Test
  void approvalTimedOutAfterTheReminder() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
        {"targetVersion":"0.11.3","approvalReminder":"1h","approvalTimeout":"2h"}""");
    rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    rig.env.sleep(Duration.ofHours(3));

    assertThat(failureOf(wf).getType()).isEqualTo(FailureTypes.APPROVAL_TIMEOUT);
    keep("approval-timed-out-after-the-reminder");
  }

  /**
   * Three clusters, at most two at once; cluster-2 fails, is retried and fails again, then is
   * skipped.
   */
  @Test
  void registrationRetriedThenSkipped() throws Exception {
    mesh.clusterCount = 3;
    mesh.failingClusters.add("cluster-2");
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
        {"targetVersion":"0.11.3","registrationConcurrency":2,"approvers":["carol"]}""");
    String first = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
    wf.decide(new StepDecision(Step.REREGISTER, Decision.RETRY, "erin", "", first));
    String second =
        rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION && !s.gate().equals(first)).gate();
    wf.decideNow(
        new StepDecision(Step.REREGISTER, Decision.SKIP, "carol", "cluster-2 is retired", second));
    String approval = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
    wf.approveNow(new Approval("carol", "CHG-7", approval));

    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
    keep("registration-failed-retried-then-skipped");
  }

  /**
   * Preflight fails once and is retried; preflight's conformance problems are accepted by update;
   * discovery settles below its inventory; the approval comes by update after the reminder;
   * networking clears a transient error.
   */
  @Test
  void everyKindOfAnswerOnTheWayToGreen() throws Exception {
    mesh.preflightFailures.set(1);
    mesh.targetConformanceProblems.add(
        new ConformanceProblem(
            "TrafficPolicy", "gloo-mesh", "tp", "$.spec.x", "unknown field", "remove it"));
    mesh.discoveryFinds = 5;
    mesh.networkingAnswers.addAll(
        List.of(
            new NetworkingStatus(
                4, 3, List.of("TrafficPolicy gloo-mesh/tp: INVALID: " + "watch not started")),
            new NetworkingStatus(4, 4, List.of())));
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
        {"targetVersion":"0.11.3","approvers":["carol"],"approvalReminder":"1h","discoverySettleWindow":"30s"}""");
    String preflight = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
    wf.decide(new StepDecision(Step.PREFLIGHT, Decision.RETRY, "erin", "", preflight));
    String review =
        rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION && !s.gate().equals(preflight))
            .gate();
    wf.decideNow(
        new StepDecision(
            Step.PREFLIGHT, Decision.ACCEPT, "carol", "fixed after the upgrade", review));
    String approval = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
    rig.env.sleep(Duration.ofMinutes(90));
    wf.approveNow(new Approval("carol", "CHG-9", approval));

    UpgradeReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.warnings())
        .anyMatch(w -> w.startsWith("discovery settled below the inventory"))
        .anyMatch(w -> w.startsWith("reminder: approval awaited"));
    keep("every-kind-of-answer-on-the-way-to-green");
  }

  @Test
  void dryRunWithServerSideChecks() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
        {"targetVersion":"0.11.3","dryRun":true}""");

    assertThat(result(wf).outcome()).isEqualTo(RunState.DRY_RUN_COMPLETE);
    keep("dry-run-with-server-side-checks");
  }

  /**
   * meshctl 0.12 applies the CRDs itself: step 4 and preflight's conformance check are left to it.
   */
  @Test
  void meshctlInstallThatBringsItsOwnCrds() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
        {"targetVersion":"0.12.0","installMethod":"meshctl","requireApproval":false}""");

    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
    keep("meshctl-0.12-brings-its-own-crds");
  }

  /** Run 1 is terminated waiting at step 7; run 2 carries it on and ends green. */
  @Test
  void terminatedAtStep7ThenCarriedOn() throws Exception {
    mesh.failingClusters.add("cluster-2");
    GlooMeshUpgradeWorkflow first =
        rig.start(
            """
        {"targetVersion":"0.11.3"}""");
    rig.await(
        first, s -> s.state() == RunState.NEEDS_ATTENTION && s.currentStep() == Step.REREGISTER);
    WorkflowStub stub = WorkflowStub.fromTyped(first);
    stub.terminate("operator stopped the run to fix cluster-2");
    mesh.failingClusters.clear();
    String firstRun = stub.getExecution().getRunId();
    keep("terminated-at-step-7", firstRun);

    GlooMeshUpgradeWorkflow second =
        rig.start(
            """
        {"targetVersion":"0.11.3","resumeFrom":{"workflowId":"%s","runId":"%s"}}"""
                .formatted(UpgradeRig.ID, firstRun));
    String gate = rig.await(second, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
    second.approve(new Approval("olga", "discovery back", gate));

    assertThat(result(second).outcome()).isEqualTo(RunState.SUCCEEDED);
    keep("carried-on-from-step-7", WorkflowStub.fromTyped(second).getExecution().getRunId());
  }

  /** A cancel at the approval: the clean-up keeps networking at 0 and the run ends cancelled. */
  @Test
  void cancelledAtTheApproval() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
        {"targetVersion":"0.11.3"}""");
    rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    WorkflowStub.fromTyped(wf).cancel();

    assertThat(catchThrowable(() -> result(wf))).hasCauseInstanceOf(CanceledFailure.class);
    assertThat(wf.status().state()).isEqualTo(RunState.CANCELLED);
    keep("cancelled-at-approval");
  }

  /**
   * Notifications to two destinations, one answering 500: a failed preflight's gate and its retry,
   * the approval gate, its reminder and its answer, the end.
   */
  @Test
  void notifiedAtEveryGateOneDestinationFailing() throws Exception {
    rig.close();
    rig =
        new UpgradeRig(
            new FakeMesh(),
            TestEnvironmentOptions.getDefaultInstance(),
            new RecordingNotifications(
                    List.of(
                        new NotificationRoute("chat", "slack", NotificationEvent.OF_RUNS),
                        new NotificationRoute("pager", "webhook", NotificationEvent.OF_RUNS)))
                .answer("pager", RecordingNotifications.Answer.SERVER_ERROR));
    rig.mesh.preflightFailures.set(1);
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
        {"targetVersion":"0.11.3","approvalReminder":"1h","notifyNote":"#mesh-changes"}""");
    String preflight = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
    wf.decide(new StepDecision(Step.PREFLIGHT, Decision.RETRY, "erin", "", preflight));
    String approval = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
    rig.env.sleep(Duration.ofMinutes(90));
    wf.approve(new Approval("carol", "CHG-9", approval));

    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(rig.notifications.delivered("chat")).hasSize(6);
    assertThat(wf.status().notifications())
        .filteredOn(d -> d.destination().equals("pager"))
        .extracting(NotificationDelivery::outcome)
        .containsOnly(NotificationDelivery.Outcome.FAILED)
        .hasSize(6);
    keep("notified-at-every-gate-one-destination-failing");
  }

  private void keep(String fixture) throws Exception {
    keep(fixture, null);
  }

  /**
   * Replays the run's history on today's code and, when recording, writes it as {@code fixture}.
   */
  private void keep(String fixture, String runId) throws Exception {
    WorkflowExecutionHistory history =
        runId == null
            ? rig.client.fetchHistory(UpgradeRig.ID)
            : rig.client.fetchHistory(UpgradeRig.ID, runId);
    WorkflowReplayer.replayWorkflowExecution(
        ReplayableHistory.of(history), GlooMeshUpgradeWorkflowImpl.class);
    if (RECORD_TO == null) {
      return;
    }
    String json =
        history
            .toJson(true)
            .replaceAll("\"identity\": \"[^\"]*\"", "\"identity\": \"worker@test\"");
    Path file = Path.of(RECORD_TO).resolve(fixture + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
  }
}
