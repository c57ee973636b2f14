package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.workflow.UpgradeRig.result;
import static org.gloomeshupgrade.workflow.UpgradeRig.step;

import io.temporal.client.WorkflowStub;
import io.temporal.testing.WorkflowReplayer;
import java.util.List;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.verify.NetworkingStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A run that carries on an earlier one ({@code resumeFrom}): steps whose end state still holds are
 * not done again, the first that does not hold and everything after it are, and a run that is not
 * the same upgrade is refused before anything changes.
 */
class ResumeTest {
  private static final String REQUEST = "{\"targetVersion\":\"0.11.3\"}";

  private final UpgradeRig rig = new UpgradeRig();
  private final FakeMesh mesh = rig.mesh;

  @AfterEach
  void stop() {
    rig.close();
  }

  /**
   * Run 1 stops for a person at step 7 (after the CRDs and the control plane, before discovery),
   * then is terminated.
   */
  private String terminatedAtReRegistration() throws Exception {
    mesh.replicas.put("discovery", 2);
    mesh.replicas.put("networking", 3);
    mesh.failingClusters.add("cluster-2");
    GlooMeshUpgradeWorkflow first = rig.start(REQUEST);
    rig.await(
        first, s -> s.state() == RunState.NEEDS_ATTENTION && s.currentStep() == Step.REREGISTER);
    WorkflowStub stub = WorkflowStub.fromTyped(first);
    stub.terminate("operator stopped the run to fix cluster-2's API server");
    mesh.failingClusters.clear();
    return stub.getExecution().getRunId();
  }

  private static String resuming(String runId) {
    return "{\"targetVersion\":\"0.11.3\",\"resumeFrom\":{\"workflowId\":\""
        + UpgradeRig.ID
        + "\",\"runId\":\""
        + runId
        + "\"}}";
  }

  @Test
  void aRunTerminatedAfterTheCrdsCarriesOnWithoutRepeatingTheMutatingStepsAndEndsGreen()
      throws Exception {
    String firstRun = terminatedAtReRegistration();
    assertThat(mesh.mutatingCalls())
        .contains("scale networking 0", "deleteDiscovery", "crds 0.11.3", "controlPlane 0.11.3");
    int before = mesh.calls.size();

    GlooMeshUpgradeWorkflow second = rig.start(resuming(firstRun));
    UpgradeStatus waiting = rig.await(second, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(waiting.resumedFrom()).isEqualTo(UpgradeRig.ID + "/" + firstRun);
    assertThat(TemporalUiDetailsTest.currentDetails(second))
        .as("the Temporal UI's current details")
        .contains("Carries on run `" + UpgradeRig.ID + "/" + firstRun + "`")
        .contains(
            "| 4 CRDs | SUCCEEDED | done by run "
                + UpgradeRig.ID
                + "/"
                + firstRun
                + "; still holds: ");
    assertThat(step(waiting, Step.PREFLIGHT).detail())
        .contains(
            "as run " + UpgradeRig.ID + "/" + firstRun + " found them before its first change")
        .contains(
            "steps 2, 3, 4, 5 still hold and are not done again; goes on from step 6 (conformance)");
    for (Step done :
        List.of(Step.SCALE_DOWN, Step.DELETE_DISCOVERY, Step.CRDS, Step.CONTROL_PLANE)) {
      assertThat(step(waiting, done).state()).isEqualTo(StepState.SUCCEEDED);
      assertThat(step(waiting, done).detail())
          .startsWith("done by run " + UpgradeRig.ID + "/" + firstRun + "; still holds: ");
    }
    assertThat(step(waiting, Step.SCALE_DOWN).detail())
        .contains("networking at 0 replicas", "discovery at 0 replicas");
    assertThat(step(waiting, Step.CRDS).detail()).contains("at 0.11.3");
    second.approve(new Approval("olga", "discovery back on 0.11.3", waiting.gate()));
    UpgradeReport report = result(second);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    List<String> secondRun = mesh.calls.subList(before, mesh.calls.size());
    assertThat(secondRun)
        .doesNotContain(
            "deleteDiscovery",
            "crds 0.11.3",
            "controlPlane 0.11.3",
            "scale networking 0",
            "scale discovery 0");
    assertThat(secondRun).noneMatch(c -> c.startsWith("backup "));
    assertThat(secondRun)
        .filteredOn(
            c ->
                !c.startsWith("count")
                    && !c.startsWith("networkingStatus")
                    && !c.startsWith("preflight")
                    && !c.startsWith("tooling")
                    && !c.startsWith("crds check")
                    && !c.startsWith("conformance")
                    && !c.startsWith("verify"))
        .containsExactlyInAnyOrder(
            "endState",
            "reRegister cluster-1",
            "reRegister cluster-2",
            "scale discovery 2",
            "scale networking 3");
    assertThat(mesh.replicas)
        .as("the replica counts from before run 1's first change")
        .containsEntry("discovery", 2)
        .containsEntry("networking", 3);
    assertThat(report.summary())
        .contains(
            "carrying on run "
                + UpgradeRig.ID
                + "/"
                + firstRun
                + " (not done again: steps 2, 3, 4, 5)")
        .contains("Gloo Mesh 0.10.10 to 0.11.3");
    assertThat(report.backup())
        .as("the backup of run 1, taken before the first change")
        .isNotNull();

    // Both histories replay on today's code: the terminated one, and the one that carried it on.
    var terminated = rig.client.fetchHistory(UpgradeRig.ID, firstRun);
    assertThat(ReplayableHistory.terminated(terminated)).isTrue();
    WorkflowReplayer.replayWorkflowExecution(
        ReplayableHistory.of(terminated), GlooMeshUpgradeWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecution(
        rig.client.fetchHistory(
            UpgradeRig.ID, WorkflowStub.fromTyped(second).getExecution().getRunId()),
        GlooMeshUpgradeWorkflowImpl.class);
  }

  @Test
  void aStepWhoseEndStateNoLongerHoldsRunsAgainWithEveryStepAfterIt() throws Exception {
    String firstRun = terminatedAtReRegistration();
    // Someone scaled networking back up between the runs.
    mesh.replicas.put("networking", 1);
    int before = mesh.calls.size();

    GlooMeshUpgradeWorkflow second = rig.start(resuming(firstRun));
    UpgradeStatus waiting = rig.await(second, s -> s.state() == RunState.WAITING_FOR_APPROVAL);

    assertThat(waiting.warnings())
        .anyMatch(
            w ->
                w.startsWith("resume: step 2 (scale down), done by run ")
                    && w.contains("no longer holds: networking at 1 replicas, not 0"));
    assertThat(step(waiting, Step.PREFLIGHT).detail())
        .contains("no step still hold")
        .contains("goes on from step 2 (scale down)");
    assertThat(mesh.calls.subList(before, mesh.calls.size()))
        .containsSubsequence(
            "backup " + UpgradeRig.ID + "@" + firstRun,
            "scale networking 0",
            "scale discovery 0",
            "deleteDiscovery",
            "crds 0.11.3",
            "controlPlane 0.11.3");
    second.approve(new Approval("olga", "ok", waiting.gate()));
    assertThat(result(second).outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(mesh.replicas).containsEntry("networking", 3);
  }

  @Test
  void anApprovalGivenInTheEarlierRunIsCarriedOnceDiscoveryStillHolds() throws Exception {
    mesh.networkingAnswers.add(
        new NetworkingStatus(
            4, 3, List.of("TrafficPolicy gloo-mesh/tp: INVALID (no such destination)")));
    GlooMeshUpgradeWorkflow first =
        rig.start("{\"targetVersion\":\"0.11.3\",\"networkingTimeout\":\"1h\"}");
    UpgradeStatus waiting = rig.await(first, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    first.approve(new Approval("olga", "discovery is back", waiting.gate()));
    rig.await(first, s -> s.currentStep() == Step.NETWORKING && s.networking() != null);
    WorkflowStub stub = WorkflowStub.fromTyped(first);
    stub.terminate("networking stuck on a TrafficPolicy; fixed by hand");
    mesh.networkingAnswers.clear();
    int before = mesh.calls.size();

    GlooMeshUpgradeWorkflow second =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"networkingTimeout\":\"1h\","
                + "\"resumeFrom\":{\"workflowId\":\""
                + UpgradeRig.ID
                + "\",\"runId\":\""
                + stub.getExecution().getRunId()
                + "\"}}");
    UpgradeReport report = result(second);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.approval().by()).isEqualTo("olga");
    assertThat(step(report, Step.APPROVAL).detail())
        .contains("still holds: approved by olga: discovery is back");
    assertThat(step(report, Step.DISCOVERY).detail()).startsWith("done by run");
    assertThat(mesh.calls.subList(before, mesh.calls.size()))
        .doesNotContain("scale discovery 1", "deleteDiscovery", "crds 0.11.3")
        .contains("scale networking 1");
  }

  @Test
  void anEarlierApprovalByTheOneWhoCarriesTheRunOnDoesNotStandAndIsAskedForAgain()
      throws Exception {
    // Networking held at the step until the terminate: a status poll cannot miss it.
    mesh.networkingAnswers.add(
        new NetworkingStatus(4, 3, List.of("TrafficPolicy gloo-mesh/tp: PENDING")));
    GlooMeshUpgradeWorkflow first =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"requestedBy\":\"bob\",\"networkingTimeout\":\"1h\"}");
    UpgradeStatus waiting = rig.await(first, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    first.approve(new Approval("olga", "discovery is back", waiting.gate()));
    rig.await(first, s -> s.currentStep() == Step.NETWORKING && s.networking() != null);
    WorkflowStub stub = WorkflowStub.fromTyped(first);
    stub.terminate("the worker's node is being drained");
    mesh.networkingAnswers.clear();
    int before = mesh.calls.size();

    // olga carries the run on, so she is now its requester:
    // her approval of bob's run is not one of her own run.
    GlooMeshUpgradeWorkflow second =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"requestedBy\":\"olga\","
                + "\"resumeFrom\":{\"workflowId\":\""
                + UpgradeRig.ID
                + "\",\"runId\":\""
                + stub.getExecution().getRunId()
                + "\"}}");
    UpgradeStatus again = rig.await(second, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(again.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("resume: step 9 (approval)")
                    .contains(
                        "no longer holds: the approval does not stand for this run: olga requested this upgrade and may "
                            + "not approve it"));
    assertThat(step(again, Step.DISCOVERY).detail()).startsWith("done by run");
    second.approve(new Approval("peter", "CHG-11", again.gate()));
    UpgradeReport report = result(second);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.approval().by()).isEqualTo("peter");
    assertThat(mesh.calls.subList(before, mesh.calls.size()))
        .doesNotContain("scale discovery 1", "deleteDiscovery")
        .contains("scale networking 1");
  }

  @Test
  void problemsAcceptedInTheEarlierRunBySomeoneOffTheApproverListAreAskedAboutAgain()
      throws Exception {
    mesh.conformanceProblems.add(
        new ConformanceProblem(
            "TrafficPolicy", "bookinfo", "reviews", "$.spec.x", "unknown field", "remove it"));
    mesh.failingClusters.add("cluster-2");
    GlooMeshUpgradeWorkflow first = rig.start(REQUEST);
    String review = rig.await(first, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
    first.decideNow(
        new StepDecision(Step.CONFORMANCE, Decision.ACCEPT, "carol", "field unused", review));
    rig.await(
        first, s -> s.state() == RunState.NEEDS_ATTENTION && s.currentStep() == Step.REREGISTER);
    WorkflowStub stub = WorkflowStub.fromTyped(first);
    stub.terminate("cluster-2's API server is down");
    mesh.failingClusters.clear();

    GlooMeshUpgradeWorkflow second =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"approvers\":[\"alice\"],"
                + "\"resumeFrom\":{\"workflowId\":\""
                + UpgradeRig.ID
                + "\",\"runId\":\""
                + stub.getExecution().getRunId()
                + "\"}}");
    UpgradeStatus stuck = rig.await(second, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.CONFORMANCE);
    assertThat(stuck.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .isEqualTo(
                        "resume: the conformance problems accepted "
                            + "at step 6 of run "
                            + UpgradeRig.ID
                            + "/"
                            + stub.getExecution().getRunId()
                            + " do not stand for this run "
                            + "(carol is not on the approver list [alice]): they are asked about again"));
    second.decideNow(
        new StepDecision(Step.CONFORMANCE, Decision.ACCEPT, "alice", "field unused", stuck.gate()));
    String approval = rig.await(second, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
    second.approve(new Approval("alice", "CHG-12", approval));
    assertThat(result(second).outcome()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void aRunThatIsNotTheSameUpgradeOrNotFinishedIsRefusedBeforeAnythingChanges() throws Exception {
    GlooMeshUpgradeWorkflow done =
        rig.start("{\"targetVersion\":\"0.11.3\",\"requireApproval\":false}");
    assertThat(result(done).outcome()).isEqualTo(RunState.SUCCEEDED);
    String doneRun = WorkflowStub.fromTyped(done).getExecution().getRunId();
    mesh.calls.clear();

    assertThat(refusal("other-1", resuming(doneRun)))
        .contains(
            "resumeFrom: run "
                + UpgradeRig.ID
                + "/"
                + doneRun
                + " ended SUCCEEDED: there is nothing to carry on");
    assertThat(
            refusal(
                "other-2",
                "{\"targetVersion\":\"0.11.4\",\"resumeFrom\":{\"workflowId\":\""
                    + UpgradeRig.ID
                    + "\",\"runId\":\""
                    + doneRun
                    + "\"}}"))
        .contains("ended SUCCEEDED");
    assertThat(
            refusal("other-3", "{\"targetVersion\":\"0.11.3\",\"resumeFrom\":\"no-such-upgrade\"}"))
        .contains("resumeFrom: there is no run no-such-upgrade in this namespace");
    assertThat(refusal("other-4", "{\"targetVersion\":\"0.11.3\",\"resumeFrom\":\"other-4\"}"))
        .contains("names this run itself; give resumeFrom.runId");

    GlooMeshUpgradeWorkflow running = rig.start("running-1", REQUEST);
    rig.await(running, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(refusal("other-5", "{\"targetVersion\":\"0.11.3\",\"resumeFrom\":\"running-1\"}"))
        .contains("resumeFrom: run running-1/")
        .contains("is still running: answer it, or " + "terminate it, before carrying it on");
    WorkflowStub.fromTyped(running).terminate("test");
    String runningRun = WorkflowStub.fromTyped(running).getExecution().getRunId();
    mesh.calls.clear();
    assertThat(
            refusal(
                "other-6",
                "{\"targetVersion\":\"0.11.4\",\"resumeFrom\":{\"workflowId\":\"running-1\","
                    + "\"runId\":\""
                    + runningRun
                    + "\"}}"))
        .contains(
            "has targetVersion \"0.11.3\" but this request has \"0.11.4\": a run carries on the same upgrade");
    assertThat(
            refusal(
                "other-7",
                "{\"targetVersion\":\"0.11.3\",\"namespace\":\"mesh\",\"resumeFrom\":"
                    + "{\"workflowId\":\"running-1\",\"runId\":\""
                    + runningRun
                    + "\"}}"))
        .contains("has namespace \"gloo-mesh\" but this request has \"mesh\"");
    assertThat(mesh.mutatingCalls()).as("no refused run changed anything").isEmpty();
  }

  @Test
  void aRunThatStoppedInPreflightPassesOnWhatTheRunItCarriedOnLeft() throws Exception {
    String firstRun = terminatedAtReRegistration();
    // Run 2 carries run 1 on but is terminated in preflight, at a failed permission check.
    mesh.preflightFailures.set(1);
    GlooMeshUpgradeWorkflow second = rig.start(resuming(firstRun));
    rig.await(
        second, s -> s.state() == RunState.NEEDS_ATTENTION && s.currentStep() == Step.PREFLIGHT);
    WorkflowStub stub = WorkflowStub.fromTyped(second);
    stub.terminate("wrong kubeconfig on the worker");
    int before = mesh.calls.size();

    GlooMeshUpgradeWorkflow third = rig.start(resuming(stub.getExecution().getRunId()));
    UpgradeStatus waiting = rig.await(third, s -> s.state() == RunState.WAITING_FOR_APPROVAL);

    assertThat(step(waiting, Step.PREFLIGHT).detail()).contains("steps 2, 3, 4, 5 still hold");
    assertThat(mesh.calls.subList(before, mesh.calls.size()))
        .doesNotContain("deleteDiscovery", "crds 0.11.3");
    third.approve(new Approval("olga", "ok", waiting.gate()));
    assertThat(result(third).outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(mesh.replicas)
        .as("run 1's counts, passed on by run 2")
        .containsEntry("discovery", 2)
        .containsEntry("networking", 3);
  }

  @Test
  void aRunStartedAfreshOnAScaledDownMeshSaysToCarryOnTheEarlierRunInstead() throws Exception {
    mesh.replicas.put("networking", 0);
    GlooMeshUpgradeWorkflow wf = rig.start(REQUEST);

    UpgradeStatus waiting = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);

    assertThat(waiting.warnings())
        .contains(
            "networking has 0 replicas before the upgrade: if an earlier run scaled "
                + "it down, carry that run on instead (gmu resume, or resumeFrom) to keep the replica counts from before it; "
                + "this run scales networking to 1");
  }

  private String refusal(String workflowId, String request) throws Exception {
    var failure = UpgradeRig.failureOf(rig.start(workflowId, request));
    assertThat(failure.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
    return failure.getOriginalMessage();
  }
}
