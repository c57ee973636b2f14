package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.controlplane.ControlPlaneInput;
import org.gloomeshupgrade.deployments.ScaleInput;
import org.gloomeshupgrade.deployments.ScaleResult;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The workflow's logic over an in-memory mesh, with Temporal's time-skipping test server. */
class GlooMeshUpgradeWorkflowTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID = UpgradeRig.ID;

  private UpgradeRig rig = new UpgradeRig();
  private TestWorkflowEnvironment env = rig.env;
  private WorkflowClient client = rig.client;
  private FakeMesh mesh = rig.mesh;

  @AfterEach
  void stop() {
    rig.close();
  }

  private GlooMeshUpgradeWorkflow startUpgrade(String requestJson) throws Exception {
    return rig.start(requestJson);
  }

  private UpgradeStatus awaitStatus(GlooMeshUpgradeWorkflow wf, Predicate<UpgradeStatus> wanted) {
    return rig.await(wf, wanted);
  }

  private static UpgradeReport result(GlooMeshUpgradeWorkflow wf) {
    return UpgradeRig.result(wf);
  }

  private static ApplicationFailure failureOf(GlooMeshUpgradeWorkflow wf) {
    return UpgradeRig.failureOf(wf);
  }

  @Test
  void runsTheRunbookInOrderAndScalesNetworkingUpOnlyAfterApproval() throws Exception {
    GlooMeshUpgradeWorkflow wf = startUpgrade("{\"targetVersion\":\"0.11.3\"}");

    UpgradeStatus waiting = awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(waiting.currentStep()).isEqualTo(Step.APPROVAL);
    String gate = waiting.gate();
    assertThat(gate).matches("approval-[0-9a-f-]{8}-1");
    assertThat(waiting.awaiting())
        .contains("gmu approve")
        .contains("--gate " + gate)
        .contains("temporal workflow signal")
        .contains("\"gate\":\"" + gate + "\"");
    env.sleep(Duration.ofHours(3));
    assertThat(mesh.calls).doesNotContain("scale networking 1");
    List<String> beforeApproval = List.copyOf(mesh.calls);

    wf.approve(new Approval("alice", "change CHG-1", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.approval()).isEqualTo(new Approval("alice", "change CHG-1", gate));
    assertThat(report.fromVersion()).isEqualTo("0.10.10");
    assertThat(report.steps())
        .allSatisfy(s -> assertThat(s.state()).isEqualTo(StepState.SUCCEEDED));
    assertThat(beforeApproval)
        .containsSubsequence(
            "preflight ",
            "conformance to target 0.11.3",
            "tooling HELM",
            "crds check 0.11.3",
            "backup " + UpgradeRig.backupIdOf(wf),
            "scale networking 0",
            "scale discovery 0",
            "deleteDiscovery",
            "crds 0.11.3",
            "controlPlane 0.11.3",
            "conformance",
            "reRegister cluster-1",
            "scale discovery 1",
            "count");
    assertThat(mesh.calls)
        .containsSubsequence("count", "scale networking 1", "networkingStatus", "verify");
    assertThat(mesh.calls.indexOf("scale networking 1"))
        .isGreaterThanOrEqualTo(beforeApproval.size());
    assertThat(mesh.calls).contains("reRegister cluster-2");
    assertThat(report.steps())
        .filteredOn(s -> s.step() == Step.CONTROL_PLANE)
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.detail())
                    .isEqualTo(
                        "helm: 1 objects, release gloo-mesh/gloo-mesh revision 3 to 4;"
                            + " to undo: helm rollback gloo-mesh 3 -n gloo-mesh"));
    assertThat(mesh.controlPlaneInputs)
        .as("the revision the tooling step found goes to the control-plane step")
        .singleElement()
        .extracting(ControlPlaneInput::revisionBeforeRun)
        .isEqualTo(3);
    assertThat(report.conformance())
        .extracting(ConformanceReview::step, ConformanceReview::outcome)
        .containsExactly(
            tuple(Step.PREFLIGHT, ConformanceReview.Outcome.CLEAN),
            tuple(Step.CONFORMANCE, ConformanceReview.Outcome.CLEAN));
    assertThat(report.verify().checks())
        .extracting(VerifyCheck::name, VerifyCheck::level)
        .contains(tuple("conformance", CheckLevel.GREEN));
    assertThat(report.summary()).endsWith("succeeded, approved by alice; final report GREEN");
    assertThat(mesh.verifyInputs.get(0).discoveryInventory())
        .isEqualTo(Map.of("Mesh", 2, "Workload", 4));
  }

  @Test
  void rejectionKeepsNetworkingAtZeroAndEndsWithAClearOutcome() throws Exception {
    GlooMeshUpgradeWorkflow wf = startUpgrade("{\"targetVersion\":\"0.11.3\"}");
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);

    wf.reject(new Approval("bob", "not in the change window", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.REJECTED);
    assertThat(report.summary()).contains("rejected by bob").contains("networking stays at 0");
    assertThat(mesh.replicas).containsEntry("networking", 0);
    assertThat(mesh.calls).doesNotContain("scale networking 1", "verify");
  }

  @Test
  void nobodyApprovingEndsTheRunSafelyAfterTheApprovalTimeout() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        startUpgrade("{\"targetVersion\":\"0.11.3\",\"approvalTimeout\":\"2h\"}");
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);

    env.sleep(Duration.ofHours(2).plusMinutes(1));
    ApplicationFailure failure = failureOf(wf);

    assertThat(failure.getType()).isEqualTo(FailureTypes.APPROVAL_TIMEOUT);
    assertThat(failure.getOriginalMessage())
        .contains("nobody approved within 2h")
        .contains("networking stays at 0");
    assertThat(mesh.replicas).containsEntry("networking", 0);
    assertThat(wf.status().state()).isEqualTo(RunState.FAILED);
  }

  @Test
  void anInvalidRequestEndsTheRunAtOnceNamingTheFieldsAndTouchesNothing() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        startUpgrade(
            "{\"targetVersion\":\"0.11.3\",\"namespce\":\"gloo-mesh\","
                + "\"discoveryPollInterval\":\"often\"}");

    ApplicationFailure failure = failureOf(wf);

    assertThat(failure.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .contains("unknown field \"namespce\"")
        .contains("discoveryPollInterval: \"often\"");
    assertThat(mesh.calls).isEmpty();
  }

  @Test
  void anEmptyInputEndsTheRunAtOnce() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        client.newWorkflowStub(
            GlooMeshUpgradeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ID)
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build());
    WorkflowClient.start(wf::upgrade, null);

    assertThat(failureOf(wf).getOriginalMessage()).contains("targetVersion");
    assertThat(mesh.calls).isEmpty();
  }

  @Test
  void discoveryThatNeverSettlesStopsForAPersonAndDoesNotCarryOn() throws Exception {
    mesh.discoveryComesBack.set(false);
    GlooMeshUpgradeWorkflow wf =
        startUpgrade("{\"targetVersion\":\"0.11.3\",\"discoveryTimeout\":\"10m\"}");

    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    env.sleep(Duration.ofHours(5));

    assertThat(stuck.currentStep()).isEqualTo(Step.DISCOVERY);
    assertThat(stuck.attention()).contains("discovery did not settle within 10m");
    assertThat(stuck.discovery().polls()).isGreaterThan(10);
    assertThat(mesh.calls).doesNotContain("scale networking 1");
    assertThat(wf.status().state()).isEqualTo(RunState.NEEDS_ATTENTION);

    mesh.discoveryComesBack.set(true);
    wf.decide(new StepDecision(Step.DISCOVERY, Decision.RETRY, "carol", "", wf.status().gate()));
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    wf.approve(new Approval("carol", "discovery back", wf.status().gate()));

    UpgradeReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.decisions()).containsExactly("DISCOVERY: RETRY by carol");
    assertThat(
            report.steps().stream()
                .filter(s -> s.step() == Step.DISCOVERY)
                .findFirst()
                .orElseThrow()
                .attempts())
        .isEqualTo(2);
  }

  @Test
  void discoveryThatStaysBelowTheInventoryButIsStableSettlesAfterTheSettleWindowWithAWarning()
      throws Exception {
    mesh.discoveryComesBack.set(false);
    GlooMeshUpgradeWorkflow wf =
        startUpgrade("{\"targetVersion\":\"0.11.3\",\"requireApproval\":false}");
    awaitStatus(wf, s -> s.discovery().polls() > 2);
    // Discovery finds fewer resources than before (a cluster went away): stable counts settle it.
    mesh.discoveryFinds = 1;
    mesh.discoveryComesBack.set(true);

    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.approval().by()).isEqualTo("policy");
    assertThat(report.warnings())
        .contains(
            "discovery settled below the inventory of preflight: {Mesh=1, Workload=0} < {Mesh=2, Workload=4}");
    StepStatus discovery =
        report.steps().stream().filter(s -> s.step() == Step.DISCOVERY).findFirst().orElseThrow();
    assertThat(discovery.detail()).startsWith("stable for 2m at");
  }

  @Test
  void skippingAFailedStepIsRecordedAndAbortEndsTheRunLeavingNetworkingAtZero() throws Exception {
    mesh.conformanceProblems.add(
        new ConformanceProblem(
            "Settings",
            "gloo-mesh",
            "settings",
            "$.spec.istio",
            "not in the new schema",
            "move it to spec.discovery.istio"));
    GlooMeshUpgradeWorkflow wf = startUpgrade("{\"targetVersion\":\"0.11.3\"}");

    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.currentStep()).isEqualTo(Step.CONFORMANCE);
    assertThat(stuck.attention()).contains("Settings gloo-mesh/settings $.spec.istio");

    String answer =
        wf.decideNow(
            new StepDecision(
                Step.CONFORMANCE, Decision.SKIP, "dave", "field unused", wf.status().gate()));
    assertThat(answer).contains("SKIP");
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    wf.reject(new Approval("dave", "later", wf.status().gate()));

    UpgradeReport report = result(wf);
    assertThat(report.decisions())
        .containsExactly("CONFORMANCE: SKIP by dave (field unused)", "rejected by dave: later");
    assertThat(
            report.steps().stream()
                .filter(s -> s.step() == Step.CONFORMANCE)
                .findFirst()
                .orElseThrow()
                .state())
        .isEqualTo(StepState.SKIPPED);
  }

  @Test
  void anIncompleteCrdSourceStopsTheRunInToolingBeforeAnythingChanges() throws Exception {
    mesh.crdSourceProblem =
        "CRD source /crds is not the complete set of Gloo Mesh 0.11.3: it lacks group "
            + "rbac.enterprise.mesh.gloo.solo.io";
    GlooMeshUpgradeWorkflow wf = startUpgrade("{\"targetVersion\":\"0.11.3\"}");

    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.TOOLING);
    assertThat(stuck.attention()).contains("lacks group rbac.enterprise.mesh.gloo.solo.io");
    assertThat(mesh.mutatingCalls())
        .as("nothing changed: no scale-down, no discovery delete")
        .isEmpty();
    assertThat(mesh.replicas).containsEntry("networking", 1).containsEntry("discovery", 1);

    mesh.crdSourceProblem = null;
    wf.decide(
        new StepDecision(
            Step.TOOLING, Decision.RETRY, "frank", "crdSource fixed", wf.status().gate()));
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(mesh.calls)
        .containsSubsequence("crds check 0.11.3", "crds check 0.11.3", "scale networking 0");
  }

  @Test
  void abortAfterAFailureEndsTheRunWithNetworkingStillAtZero() throws Exception {
    mesh.discoveryComesBack.set(false);
    GlooMeshUpgradeWorkflow wf =
        startUpgrade(
            "{\"targetVersion\":\"0.11.3\",\"discoveryTimeout\":\"1m\",\"discoverySettleWindow\":\"30s\"}");
    awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    wf.decide(
        new StepDecision(
            Step.DISCOVERY, Decision.ABORT, "erin", "rolling back by hand", wf.status().gate()));
    ApplicationFailure failure = failureOf(wf);

    assertThat(failure.getType()).isEqualTo(FailureTypes.ABORTED);
    assertThat(failure.getOriginalMessage())
        .contains("aborted by erin")
        .contains("networking stays at 0");
    assertThat(mesh.replicas).containsEntry("networking", 0);
    assertThat(wf.status().state()).isEqualTo(RunState.ABORTED);
  }

  @Test
  void nobodyDecidingEndsTheRunAfterTheAttentionTimeout() throws Exception {
    mesh.discoveryComesBack.set(false);
    GlooMeshUpgradeWorkflow wf =
        startUpgrade(
            "{\"targetVersion\":\"0.11.3\",\"discoveryTimeout\":\"1m\",\"discoverySettleWindow\":\"30s\","
                + "\"attentionTimeout\":\"1h\"}");
    awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    env.sleep(Duration.ofMinutes(61));

    assertThat(failureOf(wf).getType()).isEqualTo(FailureTypes.NEEDS_ATTENTION_TIMEOUT);
    assertThat(mesh.replicas).containsEntry("networking", 0);
  }

  @Test
  void updatesRefuseWhatDoesNotFitTheCurrentStateWithAReason() throws Exception {
    mesh.conformanceProblems.add(
        new ConformanceProblem("TrafficPolicy", "a", "b", "$.spec.x", "unknown", "remove it"));
    GlooMeshUpgradeWorkflow wf = startUpgrade("{\"targetVersion\":\"0.11.3\"}");
    awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThatThrownBy(() -> wf.approveNow(new Approval("frank", "go", wf.status().gate())))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("nothing is awaiting approval");
    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.DISCOVERY, Decision.RETRY, "frank", "", wf.status().gate())))
        .rootCause()
        .hasMessageContaining(
            "the decision names step DISCOVERY but step CONFORMANCE is the one waiting");
    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.CONFORMANCE, Decision.SKIP, "frank", "", wf.status().gate())))
        .rootCause()
        .hasMessageContaining("\"reason\" is required to SKIP");
    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.CONFORMANCE, Decision.RETRY, " ", "", wf.status().gate())))
        .rootCause()
        .hasMessageContaining("\"by\" is required");

    wf.approve(new Approval("frank", "too early", wf.status().gate()));
    assertThat(wf.status().warnings())
        .anySatisfy(w -> assertThat(w).contains("approve signal ignored"));
    mesh.conformanceProblems.clear();
    wf.decideNow(
        new StepDecision(Step.CONFORMANCE, Decision.RETRY, "frank", "", wf.status().gate()));
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThatThrownBy(() -> wf.approveNow(new Approval("", "anonymous", wf.status().gate())))
        .rootCause()
        .hasMessageContaining("\"by\" is required");
    assertThat(wf.approveNow(new Approval("frank", "ok", wf.status().gate())))
        .contains("approved by frank");
    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void scaleDownCannotBeSkipped() throws Exception {
    rig.close();
    rig = new UpgradeRig(new DeploymentFailingMesh());
    env = rig.env;
    client = rig.client;
    mesh = rig.mesh;

    GlooMeshUpgradeWorkflow wf = startUpgrade("{\"targetVersion\":\"0.11.3\"}");
    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.SCALE_DOWN);
    assertThat(stuck.attention()).contains("ScaleDeployment").contains("networking not found");
    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.SCALE_DOWN, Decision.SKIP, "gina", "hurry", wf.status().gate())))
        .rootCause()
        .hasMessageContaining("cannot be skipped");
  }

  @Test
  void versionPairsThatMustNotRunAreRefusedBeforeAnyChange() throws Exception {
    mesh.runningVersion = "0.12.8";
    GlooMeshUpgradeWorkflow down = startUpgrade("{\"targetVersion\":\"0.11.3\"}");
    ApplicationFailure downgrade = failureOf(down);
    assertThat(downgrade.getType()).isEqualTo(FailureTypes.VERSION_POLICY);
    assertThat(downgrade.getOriginalMessage())
        .contains("refusing to downgrade from 0.12.8 to 0.11.3")
        .contains("allowDowngrade");
    assertThat(mesh.mutatingCalls()).isEmpty();

    GlooMeshUpgradeWorkflow major =
        client.newWorkflowStub(
            GlooMeshUpgradeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ID + "-2")
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build());
    WorkflowClient.start(major::upgrade, JSON.readTree("{\"targetVersion\":\"1.0.0\"}"));
    assertThat(failureOf(major).getOriginalMessage()).contains("0.x to 1.x").contains("reinstall");
    assertThat(mesh.mutatingCalls()).isEmpty();
  }

  @Test
  void aDryRunChecksAndChangesNothing() throws Exception {
    GlooMeshUpgradeWorkflow wf = startUpgrade("{\"targetVersion\":\"0.11.3\",\"dryRun\":true}");

    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.DRY_RUN_COMPLETE);
    assertThat(report.summary())
        .contains("server-side dry run")
        .contains("nothing was changed")
        .contains("clean conformance to the CRDs of 0.11.3 from the CRD source");
    assertThat(mesh.calls)
        .containsExactly(
            "preflight ",
            "conformance to target 0.11.3",
            "tooling HELM",
            "crds check 0.11.3",
            "crds dry run 0.11.3",
            "controlPlane dry run 0.11.3");
    assertThat(mesh.mutatingCalls()).isEmpty();
    assertThat(report.steps())
        .filteredOn(s -> s.step() == Step.CRDS)
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.detail())
                    .isEqualTo(
                        "server dry run: 1 would be created, 1 updated from fake"
                            + " (converted from v1beta1)"));
    assertThat(report.steps())
        .filteredOn(s -> s.step() == Step.CONTROL_PLANE)
        .singleElement()
        .satisfies(s -> assertThat(s.detail()).contains("server dry run, helm"));
    assertThat(report.steps())
        .filteredOn(s -> s.step() == Step.SCALE_DOWN)
        .singleElement()
        .satisfies(s -> assertThat(s.state()).isEqualTo(StepState.PENDING));
  }

  @Test
  void meshctlFromTwelveSkipsTheCrdStepBecauseMeshctlAppliesThem() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        startUpgrade(
            "{\"targetVersion\":\"0.12.8\",\"installMethod\":\"meshctl\","
                + "\"requireApproval\":false}");

    UpgradeReport report = result(wf);

    assertThat(mesh.calls).noneMatch(c -> c.startsWith("crds"));
    assertThat(
            report.steps().stream()
                .filter(s -> s.step() == Step.CRDS)
                .findFirst()
                .orElseThrow()
                .detail())
        .contains("applies the CRDs itself");
  }

  @Test
  void verifyIsToldTheInstallMethodSoItCanRunMeshctlCheck() throws Exception {
    GlooMeshUpgradeWorkflow wf =
        startUpgrade(
            "{\"targetVersion\":\"0.12.8\",\"installMethod\":\"meshctl\","
                + "\"meshctlPath\":\"/opt/meshctl-0.12.8/meshctl\",\"requireApproval\":false}");

    result(wf);

    assertThat(mesh.verifyInputs)
        .singleElement()
        .satisfies(
            input -> {
              assertThat(input.installMethod()).isEqualTo(InstallMethod.MESHCTL);
              assertThat(input.meshctlPath()).isEqualTo("/opt/meshctl-0.12.8/meshctl");
              assertThat(input.runsMeshctlCheck()).isTrue();
            });
  }

  /** A mesh whose networking deployment is missing, so scale-down fails without retries. */
  static final class DeploymentFailingMesh extends FakeMesh {
    @Override
    public ScaleResult scale(ScaleInput input) {
      calls.add("scale " + input.deployment() + " " + input.replicas());
      throw notFound(input.deployment());
    }
  }
}
