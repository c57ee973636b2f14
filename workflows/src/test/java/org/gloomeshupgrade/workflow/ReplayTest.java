package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.deployments.DeploymentActivities;
import org.gloomeshupgrade.deployments.ScaleInput;
import org.gloomeshupgrade.preflight.PreflightActivities;
import org.gloomeshupgrade.preflight.PreflightInput;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recorded history must keep replaying against the current workflow code, and each guarded
 * change without its guard must break a history recorded before it: the proof that the guard is
 * needed. Variants are registered on a replay worker through an implementation factory, so the
 * production class carries no test hook. The fixtures were recorded from real runs (the worker's
 * end-to-end test, with -Dgmu.recordHistory=DIR) and from the paths of {@link RecordedPathsTest};
 * docs/design.md keeps the register of change IDs and their fixtures.
 */
class ReplayTest {
  /**
   * Every fixture under src/test/resources/histories, each kept for the path it was recorded on.
   */
  static final List<String> FIXTURES =
      List.of(
          "7-clusters-one-failed-then-retried-in-batches-before-window",
          "aborted-at-step-8-after-a-retry",
          "approval-timed-out-after-the-reminder",
          "approval-timed-out-after-the-reminder-before-notifications",
          "cancelled-at-approval",
          "cancelled-at-step-7-before-cancellation",
          "chart-url-with-user-rejected-at-approval-before-source-forms",
          "carried-on-from-step-7",
          "conformance-accepted-by-non-approver-before-decision-approvers",
          "conformance-recheck-then-skip-before-review",
          "dry-run-0.11.3-before-server-side-checks",
          "dry-run-with-server-side-checks",
          "every-kind-of-answer-on-the-way-to-green",
          "every-kind-of-answer-on-the-way-to-green-before-notifications",
          "full-upgrade-0.10.10-to-0.11.3",
          "full-upgrade-0.10.10-to-0.11.3-before-crd-source-check",
          "full-upgrade-0.10.10-to-0.11.3-with-backup-and-preflight-conformance",
          "meshctl-0.12-brings-its-own-crds",
          "notified-at-every-gate-one-destination-failing",
          "plane-of-a-fleet-approved-by-its-wave",
          "registration-failed-retried-then-skipped",
          "rejected-at-approval",
          "resumed-run-with-reminder-before-approval-overdue",
          "rollback-at-step-8-by-update",
          "settle-window-0s-rejected-at-approval-before-request-limits",
          "terminated-at-step-7",
          "terminated-at-step-7-before-approval-overdue");

  /** For each guarded change, histories recorded before it (or at an older version of it). */
  static final Map<Change, List<String>> RECORDED_BEFORE =
      new EnumMap<>(
          Map.ofEntries(
              Map.entry(
                  Change.SERVER_SIDE_DRY_RUN, List.of("dry-run-0.11.3-before-server-side-checks")),
              Map.entry(
                  Change.CRD_SOURCE_CHECK,
                  List.of("full-upgrade-0.10.10-to-0.11.3-before-crd-source-check")),
              Map.entry(Change.BACKUP, List.of("full-upgrade-0.10.10-to-0.11.3")),
              Map.entry(
                  Change.PREFLIGHT_CONFORMANCE,
                  List.of("conformance-recheck-then-skip-before-review")),
              Map.entry(
                  Change.SEARCH_ATTRIBUTES,
                  List.of("full-upgrade-0.10.10-to-0.11.3-with-backup-and-preflight-conformance")),
              Map.entry(
                  Change.RESUME_POINT,
                  List.of(
                      "full-upgrade-0.10.10-to-0.11.3-with-backup-and-preflight-conformance",
                      "resumed-run-with-reminder-before-approval-overdue")),
              Map.entry(
                  Change.APPROVAL_OVERDUE,
                  List.of("resumed-run-with-reminder-before-approval-overdue")),
              Map.entry(
                  Change.GATES,
                  List.of("full-upgrade-0.10.10-to-0.11.3-with-backup-and-preflight-conformance")),
              Map.entry(
                  Change.DECISION_APPROVERS,
                  List.of("conformance-accepted-by-non-approver-before-decision-approvers")),
              Map.entry(
                  Change.REGISTRATION_WINDOW,
                  List.of("7-clusters-one-failed-then-retried-in-batches-before-window")),
              Map.entry(Change.CANCELLATION, List.of("cancelled-at-step-7-before-cancellation")),
              Map.entry(
                  Change.REQUEST_LIMITS,
                  List.of(
                      "settle-window-0s-rejected-at-approval-before-request-limits",
                      "chart-url-with-user-rejected-at-approval-before-source-forms")),
              Map.entry(
                  Change.NOTIFICATIONS,
                  List.of(
                      "every-kind-of-answer-on-the-way-to-green-before-notifications",
                      "approval-timed-out-after-the-reminder-before-notifications"))));

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void everyRecordedHistoryReplays(String fixture) throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        ReplayableHistory.of(history(fixture)), GlooMeshUpgradeWorkflowImpl.class);
  }

  static Stream<String> fixtures() {
    return FIXTURES.stream();
  }

  @Test
  void everyFixtureOnDiskIsListedAndEveryListedOneIsThere() throws Exception {
    try (Stream<Path> files =
        Files.list(Path.of(ReplayTest.class.getResource("/histories").toURI()))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(FIXTURES.stream().map(f -> f + ".json").toList());
    }
  }

  /**
   * The change taken for granted at its newest version, as the code would look without its
   * getVersion.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Change.class)
  void eachChangeWithoutItsGuardBreaksAHistoryRecordedBeforeIt(Change change) throws Exception {
    assertThat(RECORDED_BEFORE).as("a history recorded before " + change.id()).containsKey(change);
    for (String fixture : RECORDED_BEFORE.get(change)) {
      WorkflowExecutionHistory recorded = history(fixture);
      assertThat(recordedVersion(recorded, change))
          .as(fixture + " was recorded before " + change.id())
          .isLessThan(change.newest());
      // The control: the same factory with the versions production asks for replays the history.
      replay(
          ReplayableHistory.of(recorded),
          () -> new GlooMeshUpgradeWorkflowImpl(ChangeVersions.RECORDED));

      assertNonDeterministic(
          () ->
              replay(
                  ReplayableHistory.of(recorded),
                  () -> new GlooMeshUpgradeWorkflowImpl(unguarded(change))));
    }
  }

  /** The register in docs/design.md names every change ID the code has. */
  @Test
  void theDesignDocumentsRegisterNamesEveryChangeId() throws Exception {
    String design = Files.readString(Path.of("..", "docs", "design.md"));

    assertThat(Arrays.stream(Change.values()).map(c -> "| `" + c.id() + "`"))
        .allSatisfy(row -> assertThat(design).contains(row));
  }

  /**
   * Today's code, with a gate of each kind answered: its own history replays offline, where IDs are
   * placeholders.
   */
  @Test
  void aRunOfTodaysCodeWithEveryKindOfAnswerReplays() throws Exception {
    WorkflowExecutionHistory history;
    try (UpgradeRig rig = new UpgradeRig()) {
      rig.mesh.conformanceProblems.add(
          new ConformanceProblem("TrafficPolicy", "a", "b", "$.spec.x", "unknown", "remove it"));
      GlooMeshUpgradeWorkflow wf =
          rig.start(
              """
          {"targetVersion":"0.11.3","approvalReminder":"1h"}""");
      String review = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
      wf.decide(new StepDecision(Step.CONFORMANCE, Decision.ACCEPT, "carol", "known", review));
      String approval = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
      rig.env.sleep(Duration.ofMinutes(90));
      wf.approve(new Approval("carol", "CHG-1", approval));
      assertThat(UpgradeRig.result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
      history = rig.client.fetchHistory(UpgradeRig.ID);
    }

    WorkflowReplayer.replayWorkflowExecution(history, GlooMeshUpgradeWorkflowImpl.class);
  }

  @Test
  void aTerminatedRunReplaysWithoutItsTermination() throws Exception {
    WorkflowExecutionHistory terminated = history("terminated-at-step-7");

    assertThat(ReplayableHistory.terminated(terminated)).isTrue();
    WorkflowReplayer.replayWorkflowExecution(
        ReplayableHistory.of(terminated), GlooMeshUpgradeWorkflowImpl.class);
  }

  @Test
  void aChangeInTheOrderOfStepsIsCaughtAsNonDeterministic() throws Exception {
    for (String fixture :
        List.of(
            "full-upgrade-0.10.10-to-0.11.3",
            "full-upgrade-0.10.10-to-0.11.3-with-backup-and-preflight-conformance",
            "every-kind-of-answer-on-the-way-to-green")) {
      WorkflowExecutionHistory recorded = history(fixture);
      assertNonDeterministic(
          () -> WorkflowReplayer.replayWorkflowExecution(recorded, ToolingDroppedUpgrade.class));
    }
  }

  private static ChangeVersions unguarded(Change change) {
    return c -> c == change ? c.newest() : ChangeVersions.RECORDED.version(c);
  }

  /**
   * The version of {@code change} the history recorded; DEFAULT_VERSION (-1) when it has no marker
   * for it.
   */
  private static int recordedVersion(WorkflowExecutionHistory history, Change change) {
    for (HistoryEvent e : history.getEvents()) {
      if (!e.hasMarkerRecordedEventAttributes()
          || !e.getMarkerRecordedEventAttributes().getMarkerName().equals("Version")) {
        continue;
      }
      Map<String, Payloads> details = e.getMarkerRecordedEventAttributes().getDetailsMap();
      if (change.id().equals(decode(details.get("changeId"), String.class))) {
        return decode(details.get("version"), Integer.class);
      }
    }
    return Workflow.DEFAULT_VERSION;
  }

  private static <T> T decode(Payloads payloads, Class<T> type) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
        0, Optional.ofNullable(payloads), type, type);
  }

  private static void assertNonDeterministic(ThrowingCallable replay) {
    assertThatThrownBy(replay)
        .isInstanceOf(RuntimeException.class)
        .satisfies(e -> assertThat(rootOrSelfIsNonDeterministic(e)).as(e.toString()).isTrue());
  }

  /** Replays on a worker whose workflow comes from {@code workflow}. */
  private static void replay(
      WorkflowExecutionHistory history, Supplier<GlooMeshUpgradeWorkflow> workflow)
      throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      // A cold JVM on a busy machine can take more than
      // the default second over the first workflow task.
      Worker worker =
          env.newWorker(
              UpgradeNames.TASK_QUEUE,
              WorkerOptions.newBuilder()
                  .setDefaultDeadlockDetectionTimeout(Duration.ofSeconds(30).toMillis())
                  .build());
      worker.registerWorkflowImplementationFactory(GlooMeshUpgradeWorkflow.class, workflow::get);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }

  private static boolean rootOrSelfIsNonDeterministic(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NonDeterministicException
          || String.valueOf(t.getMessage()).contains("nondeterministic")
          || String.valueOf(t.getMessage()).contains("NonDeterministic")) {
        return true;
      }
    }
    return false;
  }

  static WorkflowExecutionHistory history(String fixture) throws IOException {
    String resource = "/histories/" + fixture + ".json";
    try (InputStream in = ReplayTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("recorded history " + resource).isNotNull();
      return WorkflowExecutionHistory.fromJson(
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Only the workflow method, under the upgrade's type: enough to replay up to where it parts from
   * a history.
   */
  @WorkflowInterface
  public interface UpgradeOnly {
    @WorkflowMethod(name = UpgradeNames.WORKFLOW_TYPE)
    UpgradeReport upgrade(JsonNode request);
  }

  /**
   * The upgrade as someone might "simplify" it: the tooling step dropped, scaling down right after
   * preflight.
   */
  public static final class ToolingDroppedUpgrade implements UpgradeOnly {
    @Override
    public UpgradeReport upgrade(JsonNode raw) {
      UpgradeRequest request = UpgradeRequestParser.parse(raw);
      var pre =
          Workflow.newActivityStub(PreflightActivities.class, UpgradeActivityOptions.preflight())
              .preflight(
                  new PreflightInput(
                      request.managementContext(),
                      request.namespace(),
                      request.discoveryDeployment(),
                      request.networkingDeployment(),
                      request.clusters(),
                      request.clusterContexts(),
                      request.remoteNamespace(),
                      null));
      Workflow.newActivityStub(
              DeploymentActivities.class, UpgradeActivityOptions.scale(Duration.ofMinutes(1)))
          .scale(new ScaleInput(pre.context(), request.namespace(), "networking", 0, 60));
      return null;
    }
  }
}
