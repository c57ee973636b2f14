package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.time.Duration;
import org.gloomeshupgrade.controlplane.ControlPlaneActivities;
import org.gloomeshupgrade.deployments.DeploymentActivities;
import org.gloomeshupgrade.deployments.ScaleInput;
import org.gloomeshupgrade.preflight.PreflightActivities;
import org.gloomeshupgrade.preflight.PreflightInput;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Old histories must keep replaying against the current workflow code. The histories here were
 * recorded from real runs (the worker's end-to-end test writes them with -Dgmu.recordHistory=DIR).
 */
class ReplayTest {
  private static final String FULL_RUN = "/histories/full-upgrade-0.10.10-to-0.11.3.json";
  private static final String FULL_RUN_BEFORE_CRD_SOURCE_CHECK =
      "/histories/full-upgrade-0.10.10-to-0.11.3-before-crd-source-check.json";
  /** Recorded with the backup and preflight's conformance check against the target's CRDs (167 events). */
  private static final String FULL_RUN_CURRENT =
      "/histories/full-upgrade-0.10.10-to-0.11.3-with-backup-and-preflight-conformance.json";
  /** Seven clusters in fixed batches of five, one failing then retried: recorded before the window of step 7. */
  private static final String SEVEN_CLUSTERS_IN_BATCHES =
      "/histories/7-clusters-one-failed-then-retried-in-batches-before-window.json";
  /** Conformance problems at step 6, a re-check, then a skip: recorded before the review (re-check or accept). */
  private static final String CONFORMANCE_BEFORE_REVIEW =
      "/histories/conformance-recheck-then-skip-before-review.json";
  private static final String DRY_RUN_BEFORE_SERVER_SIDE = "/histories/dry-run-0.11.3-before-server-side-checks.json";

  private static String history(String resource) throws IOException {
    try (InputStream in = ReplayTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("recorded history " + resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Every fixture, whatever path it was recorded on (RecordedPathsTest records the newer ones). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void everyRecordedHistoryReplays(String fixture) throws Exception {
    WorkflowExecutionHistory recorded = WorkflowExecutionHistory.fromJson(history("/histories/" + fixture));
    WorkflowReplayer.replayWorkflowExecution(ReplayableHistory.of(recorded), GlooMeshUpgradeWorkflowImpl.class);
  }

  static Stream<String> fixtures() throws Exception {
    try (Stream<Path> files = Files.list(Path.of(ReplayTest.class.getResource("/histories").toURI()))) {
      List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted()
          .toList();
      assertThat(names).hasSizeGreaterThanOrEqualTo(19);
      return names.stream();
    }
  }

  @Test
  void aRecordedFullUpgradeReplaysAgainstTheCurrentCode() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(FULL_RUN), GlooMeshUpgradeWorkflowImpl.class);
  }

  /** Recorded before the tooling step checked the CRD source (getVersion guards it). */
  @Test
  void aFullUpgradeRecordedBeforeTheCrdSourceCheckReplaysWithoutIt() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(FULL_RUN_BEFORE_CRD_SOURCE_CHECK),
        GlooMeshUpgradeWorkflowImpl.class);
  }

  @Test
  void aFullUpgradeRecordedWithTheBackupAndPreflightConformanceReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(FULL_RUN_CURRENT), GlooMeshUpgradeWorkflowImpl.class);
  }

  @Test
  void droppingTheToolingStepIsCaughtOnTheCurrentHistoryToo() throws Exception {
    assertNonDeterministic(FULL_RUN_CURRENT, ToolingDroppedUpgrade.class);
  }

  @Test
  void sevenClustersWithAFailureRegisteredInBatchesBeforeTheWindowReplay() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(SEVEN_CLUSTERS_IN_BATCHES), GlooMeshUpgradeWorkflowImpl.class);
  }

  @Test
  void theRegistrationWindowWithoutItsVersionGuardWouldBreakRunsRecordedBeforeIt() throws Exception {
    assertNonDeterministic(SEVEN_CLUSTERS_IN_BATCHES, UnguardedRegistrationWindow.class);
  }

  @Test
  void gateIdsWithoutTheirVersionGuardWouldBreakRunsApprovedBeforeThem() throws Exception {
    assertNonDeterministic(FULL_RUN_CURRENT, UnguardedGates.class);
  }

  /** Today's code, with a gate of each kind answered: its own history replays offline, where IDs are placeholders. */
  @Test
  void aRunOfTodaysCodeWithEveryKindOfAnswerReplays() throws Exception {
    String history;
    try (UpgradeRig rig = new UpgradeRig()) {
      rig.mesh.conformanceProblems.add(new org.gloomeshupgrade.conformance.ConformanceProblem("TrafficPolicy", "a",
          "b", "$.spec.x", "unknown", "remove it"));
      GlooMeshUpgradeWorkflow wf = rig.start("{\"targetVersion\":\"0.11.3\",\"approvalReminder\":\"1h\"}");
      String review = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
      wf.decide(new StepDecision(Step.CONFORMANCE, Decision.ACCEPT, "carol", "known", review));
      String approval = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
      rig.env.sleep(Duration.ofMinutes(90));
      wf.approve(new Approval("carol", "CHG-1", approval));
      assertThat(UpgradeRig.result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
      history = rig.client.fetchHistory(UpgradeRig.ID).toJson(true);
    }

    WorkflowReplayer.replayWorkflowExecution(history, GlooMeshUpgradeWorkflowImpl.class);
  }

  @Test
  void aConformanceReCheckAndSkipRecordedBeforeTheReviewReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(CONFORMANCE_BEFORE_REVIEW), GlooMeshUpgradeWorkflowImpl.class);
  }

  /** Problems accepted by someone off the approver list: recorded before SKIP and ACCEPT needed an approver. */
  private static final String ACCEPTED_BEFORE_DECISION_APPROVERS =
      "/histories/conformance-accepted-by-non-approver-before-decision-approvers.json";

  @Test
  void problemsAcceptedByANonApproverBeforeDecisionsNeededOneReplay() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(ACCEPTED_BEFORE_DECISION_APPROVERS),
        GlooMeshUpgradeWorkflowImpl.class);
  }

  @Test
  void holdingDecisionsToTheApproverListWithoutItsVersionGuardWouldBreakRunsRecordedBeforeIt() throws Exception {
    assertNonDeterministic(ACCEPTED_BEFORE_DECISION_APPROVERS, UnguardedDecisionApprovers.class);
  }

  @Test
  void thePreflightConformanceCheckWithoutItsVersionGuardWouldBreakRunsRecordedBeforeIt() throws Exception {
    assertNonDeterministic(CONFORMANCE_BEFORE_REVIEW, UnguardedPreflightConformance.class);
  }

  @Test
  void theBackupWithoutItsVersionGuardWouldBreakRunsRecordedBeforeIt() throws Exception {
    assertNonDeterministic(FULL_RUN, UnguardedBackup.class);
  }

  @Test
  void theCrdSourceCheckWithoutItsVersionGuardWouldBreakOldRuns() throws Exception {
    assertNonDeterministic(FULL_RUN_BEFORE_CRD_SOURCE_CHECK, UnguardedCrdSourceCheck.class);
  }

  /** Recorded before the dry run asked the API server to check the CRDs and the control plane (getVersion guards it). */
  @Test
  void aDryRunRecordedBeforeTheServerSideChecksReplaysWithoutThem() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(DRY_RUN_BEFORE_SERVER_SIDE),
        GlooMeshUpgradeWorkflowImpl.class);
  }

  @Test
  void theServerSideChecksWithoutTheirVersionGuardWouldBreakOldDryRuns() throws Exception {
    assertNonDeterministic(DRY_RUN_BEFORE_SERVER_SIDE, UnguardedDryRun.class);
  }

  /** Run 1 terminated at step 7, then run 2 carrying it on, with an approval reminder: recorded before the overdue flag. */
  private static final String TERMINATED_AT_STEP_7 = "/histories/terminated-at-step-7-before-approval-overdue.json";
  private static final String RESUMED_WITH_REMINDER = "/histories/resumed-run-with-reminder-before-approval-overdue.json";

  @Test
  void aTerminatedRunAndTheRunThatCarriedItOnReplay() throws Exception {
    WorkflowExecutionHistory terminated = WorkflowExecutionHistory.fromJson(history(TERMINATED_AT_STEP_7));
    assertThat(ReplayableHistory.terminated(terminated)).isTrue();
    WorkflowReplayer.replayWorkflowExecution(ReplayableHistory.of(terminated), GlooMeshUpgradeWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecution(history(RESUMED_WITH_REMINDER), GlooMeshUpgradeWorkflowImpl.class);
  }

  @Test
  void theOverdueSearchAttributeWithoutItsVersionGuardWouldBreakRunsRecordedBeforeIt() throws Exception {
    assertNonDeterministic(RESUMED_WITH_REMINDER, UnguardedOverdueSearchAttribute.class);
  }

  @Test
  void passingOnTheEarlierRunsResumePointWithoutItsVersionGuardWouldBreakRunsRecordedBeforeIt() throws Exception {
    assertNonDeterministic(RESUMED_WITH_REMINDER, UnguardedResumePointPassing.class);
  }

  @Test
  void aChangeInTheOrderOfStepsIsCaughtAsNonDeterministic() throws Exception {
    assertNonDeterministic(FULL_RUN, ToolingDroppedUpgrade.class);
  }

  private static void assertNonDeterministic(String historyResource, Class<?> workflow) throws IOException {
    String recorded = history(historyResource);

    assertThatThrownBy(() -> WorkflowReplayer.replayWorkflowExecution(recorded, workflow))
        .isInstanceOf(RuntimeException.class)
        .satisfies(e -> assertThat(rootOrSelfIsNonDeterministic(e)).as(e.toString()).isTrue());
  }

  private static boolean rootOrSelfIsNonDeterministic(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NonDeterministicException || String.valueOf(t.getMessage()).contains("nondeterministic")
          || String.valueOf(t.getMessage()).contains("NonDeterministic")) {
        return true;
      }
    }
    return false;
  }

  /** A dry run that calls the server-side checks unconditionally, as the change would look without getVersion. */
  public static class UnguardedDryRun extends GlooMeshUpgradeWorkflowImpl {
    @Override
    public UpgradeReport upgrade(JsonNode raw) {
      UpgradeRequest request = UpgradeRequestParser.parse(raw);
      PreflightActivities preflight = Workflow.newActivityStub(PreflightActivities.class,
          UpgradeActivityOptions.preflight());
      ControlPlaneActivities controlPlane = Workflow.newActivityStub(ControlPlaneActivities.class,
          UpgradeActivityOptions.controlPlane());
      var pre = preflight.preflight(new PreflightInput(request.managementContext(), request.namespace(),
          request.discoveryDeployment(), request.networkingDeployment(), request.clusters(),
          request.clusterContexts(), request.remoteNamespace()));
      var input = new org.gloomeshupgrade.controlplane.ControlPlaneInput(pre.context(), request.namespace(),
          request.installMethod(), request.helmRelease(), request.chart(), request.meshctlPath(), request.targetVersion(),
          request.discoveryDeployment(), request.networkingDeployment());
      controlPlane.resolveTooling(input);
      controlPlane.dryRun(input);
      return null;
    }
  }

  /** The upgrade as someone might "simplify" it: the tooling step dropped, scaling down right after preflight. */
  public static class ToolingDroppedUpgrade extends GlooMeshUpgradeWorkflowImpl {
    @Override
    public UpgradeReport upgrade(JsonNode raw) {
      UpgradeRequest request = UpgradeRequestParser.parse(raw);
      PreflightActivities preflight = Workflow.newActivityStub(PreflightActivities.class,
          UpgradeActivityOptions.preflight());
      DeploymentActivities deployments = Workflow.newActivityStub(DeploymentActivities.class,
          UpgradeActivityOptions.scale(Duration.ofMinutes(1)));
      var pre = preflight.preflight(new PreflightInput(request.managementContext(), request.namespace(),
          request.discoveryDeployment(), request.networkingDeployment(), request.clusters(),
          request.clusterContexts(), request.remoteNamespace()));
      deployments.scale(new ScaleInput(pre.context(), request.namespace(), "networking", 0, 60));
      Workflow.newActivityStub(ControlPlaneActivities.class, UpgradeActivityOptions.controlPlane());
      return null;
    }
  }

  /** The CRD source check added to the tooling step with no getVersion around it. */
  public static class UnguardedCrdSourceCheck extends GlooMeshUpgradeWorkflowImpl {
    @Override
    public UpgradeReport upgrade(JsonNode raw) {
      UpgradeRequest request = UpgradeRequestParser.parse(raw);
      PreflightActivities preflight = Workflow.newActivityStub(PreflightActivities.class,
          UpgradeActivityOptions.preflight());
      ControlPlaneActivities controlPlane = Workflow.newActivityStub(ControlPlaneActivities.class,
          UpgradeActivityOptions.controlPlane());
      org.gloomeshupgrade.crds.CrdActivities crds = Workflow.newActivityStub(
          org.gloomeshupgrade.crds.CrdActivities.class, UpgradeActivityOptions.crds());
      var pre = preflight.preflight(new PreflightInput(request.managementContext(), request.namespace(),
          request.discoveryDeployment(), request.networkingDeployment(), request.clusters(),
          request.clusterContexts(), request.remoteNamespace()));
      controlPlane.resolveTooling(new org.gloomeshupgrade.controlplane.ControlPlaneInput(pre.context(),
          request.namespace(), request.installMethod(), request.helmRelease(), request.chart(), request.meshctlPath(),
          request.targetVersion(), request.discoveryDeployment(), request.networkingDeployment()));
      crds.check(new org.gloomeshupgrade.crds.CrdApplyInput(pre.context(), request.crdSource(),
          request.targetVersion(), 60, request.chart()));
      return null;
    }
  }

  /** The backup added before the scale-down with no getVersion around it. */
  public static class UnguardedBackup extends UnguardedCrdSourceCheck {
    @Override
    public UpgradeReport upgrade(JsonNode raw) {
      super.upgrade(raw);
      UpgradeRequest request = UpgradeRequestParser.parse(raw);
      Workflow.newActivityStub(org.gloomeshupgrade.backup.BackupActivities.class, UpgradeActivityOptions.backup())
          .backup(new org.gloomeshupgrade.backup.BackupInput(request.managementContext(), request.namespace(),
              Workflow.getInfo().getWorkflowId(), request.discoveryDeployment()));
      return null;
    }
  }

  /** Preflight's conformance check against the target's CRDs with no getVersion around it. */
  public static class UnguardedPreflightConformance extends GlooMeshUpgradeWorkflowImpl {
    @Override
    public UpgradeReport upgrade(JsonNode raw) {
      UpgradeRequest request = UpgradeRequestParser.parse(raw);
      var pre = Workflow.newActivityStub(PreflightActivities.class, UpgradeActivityOptions.preflight())
          .preflight(new PreflightInput(request.managementContext(), request.namespace(),
              request.discoveryDeployment(), request.networkingDeployment(), request.clusters(),
              request.clusterContexts(), request.remoteNamespace()));
      Workflow.newActivityStub(org.gloomeshupgrade.conformance.ConformanceActivities.class,
          UpgradeActivityOptions.conformance()).checkAgainstTarget(new org.gloomeshupgrade.crds.CrdApplyInput(
              pre.context(), request.crdSource(), request.targetVersion(), 60, request.chart()));
      return null;
    }
  }

  /** The registration window with no getVersion around it: what step 7 would do if the guard were dropped. */
  public static class UnguardedRegistrationWindow extends GlooMeshUpgradeWorkflowImpl {
    @Override
    boolean registrationWindowApplies() {
      return true;
    }
  }

  /** Version 2 of the resume point (passing on the earlier run's) taken for granted, as if unguarded. */
  public static class UnguardedResumePointPassing extends GlooMeshUpgradeWorkflowImpl {
    @Override
    int resumePointVersion() {
      return 2;
    }
  }

  /** SKIP and ACCEPT held to the approver list with no getVersion around it: the recorded ACCEPT would be ignored. */
  public static class UnguardedDecisionApprovers extends GlooMeshUpgradeWorkflowImpl {
    @Override
    boolean decisionApproversApply() {
      return true;
    }
  }

  /** GlooMeshApprovalOverdue with no getVersion around it: an upsert at the reminder the history does not have. */
  public static class UnguardedOverdueSearchAttribute extends GlooMeshUpgradeWorkflowImpl {
    @Override
    boolean overdueSearchAttributeApplies() {
      return true;
    }
  }

  /** Gate IDs with no getVersion around them: the recorded approval names no gate, so it would be refused. */
  public static class UnguardedGates extends GlooMeshUpgradeWorkflowImpl {
    @Override
    boolean gatesApply() {
      return true;
    }
  }
}
