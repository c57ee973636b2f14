package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.gloomeshupgrade.workflow.UpgradeRig.result;
import static org.gloomeshupgrade.workflow.UpgradeRig.step;

import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cancel from the Temporal UI or CLI (a workflow cancellation request) at three points: during an
 * activity, at a decision gate, at the approval. Each ends the run cancelled, saying so in its
 * status, search attributes and memo, with networking at 0; a later run carries it on to green.
 */
class CancellationTest {
  private static final String REQUEST = "{\"targetVersion\":\"0.11.3\"}";

  private final UpgradeRig rig = new UpgradeRig();
  private final FakeMesh mesh = rig.mesh;

  @AfterEach
  void stop() {
    rig.close();
  }

  @Test
  void aCancelDuringTheControlPlaneUpgradeWaitsForItToEndThenKeepsNetworkingDown()
      throws Exception {
    mesh.controlPlaneRunsOn.set(true);
    GlooMeshUpgradeWorkflow wf = rig.start(REQUEST);
    rig.await(wf, s -> mesh.calls.contains("controlPlane 0.11.3"));

    UpgradeStatus cancelled = cancel(wf);

    assertThat(cancelled.currentStep()).isEqualTo(Step.CONTROL_PLANE);
    assertThat(step(cancelled, Step.CONTROL_PLANE).detail())
        .startsWith("cancelled at step 5 (control plane); networking ")
        .contains("stays at 0 replicas until a run that carries this one on is approved");
    // The activity in flight ended (cancelled) before the clean-up scaled networking.
    List<String> tail =
        mesh.calls.subList(mesh.calls.indexOf("controlPlane 0.11.3"), mesh.calls.size());
    assertThat(tail).containsSubsequence("controlPlane cancelled", "scale networking 0");
    mesh.controlPlaneRunsOn.set(false);
    carriedOnToGreen(wf);
  }

  @Test
  void aCancelAtADecisionGateEndsTheRunCancelledWithNetworkingDown() throws Exception {
    mesh.failingClusters.add("cluster-2");
    GlooMeshUpgradeWorkflow wf = rig.start(REQUEST);
    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION && s.currentStep() == Step.REREGISTER);

    UpgradeStatus cancelled = cancel(wf);

    assertThat(cancelled.currentStep()).isEqualTo(Step.REREGISTER);
    assertThat(cancelled.gate()).as("no gate left open").isEmpty();
    assertThat(step(cancelled, Step.REREGISTER).detail())
        .startsWith("cancelled at step 7 (re-register)");
    mesh.failingClusters.clear();
    carriedOnToGreen(wf);
  }

  @Test
  void aCancelAtTheApprovalEndsTheRunCancelledWithNetworkingDown() throws Exception {
    GlooMeshUpgradeWorkflow wf = rig.start(REQUEST);
    rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);

    UpgradeStatus cancelled = cancel(wf);

    assertThat(cancelled.currentStep()).isEqualTo(Step.APPROVAL);
    assertThat(cancelled.approval()).isNull();
    carriedOnToGreen(wf);
  }

  @Test
  void aCancelInPreflightChangesNothing() throws Exception {
    mesh.preflightFailures.set(1000);
    GlooMeshUpgradeWorkflow wf = rig.start(REQUEST);
    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    UpgradeStatus cancelled = cancel(wf);

    assertThat(cancelled.currentStep()).isEqualTo(Step.PREFLIGHT);
    assertThat(mesh.mutatingCalls()).isEmpty();
  }

  /** Cancels the run as the UI's Request Cancellation does, and checks how it ended. */
  private UpgradeStatus cancel(GlooMeshUpgradeWorkflow wf) {
    WorkflowStub stub = WorkflowStub.fromTyped(wf);
    stub.cancel();
    Throwable ended = catchThrowable(() -> result(wf));
    assertThat(ended).isInstanceOf(WorkflowFailedException.class);
    assertThat(ended.getCause()).isInstanceOf(CanceledFailure.class);

    UpgradeStatus status = wf.status();
    assertThat(status.state()).isEqualTo(RunState.CANCELLED);
    assertThat(status.awaiting()).isEmpty();
    assertThat(step(status, status.currentStep()).state()).isEqualTo(StepState.FAILED);
    WorkflowExecutionDescription described = stub.describe();
    assertThat(described.getTypedSearchAttributes().get(UpgradeSearchAttributes.STATE))
        .isEqualTo("CANCELLED");
    ResumePoint kept =
        described.getMemo(UpgradeNames.MEMO_RESUME_POINT, ResumePoint.class, ResumePoint.class);
    assertThat(kept.state()).isEqualTo(RunState.CANCELLED);
    if (status.currentStep().compareTo(Step.SCALE_DOWN) >= 0) {
      assertThat(mesh.replicas.get("networking")).as("networking after the cancel").isZero();
      assertThat(mesh.calls.get(mesh.calls.size() - 1))
          .as("the clean-up's scale is the last action")
          .isEqualTo("scale networking 0");
    }
    return status;
  }

  /** A run with resumeFrom the cancelled one, approved, ends green. */
  private void carriedOnToGreen(GlooMeshUpgradeWorkflow cancelled) throws Exception {
    String runId = WorkflowStub.fromTyped(cancelled).getExecution().getRunId();
    GlooMeshUpgradeWorkflow next =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"resumeFrom\":{\"workflowId\":\"%s\",\"runId\":\"%s\"}}"
                .formatted(UpgradeRig.ID, runId));
    UpgradeStatus waiting = rig.await(next, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(waiting.resumedFrom()).isEqualTo(UpgradeRig.ID + "/" + runId);
    next.approve(new Approval("olga", "carrying on the cancelled run", waiting.gate()));

    assertThat(result(next).outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(mesh.replicas.get("networking")).isPositive();
  }
}
