package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import java.util.Optional;
import org.gloomeshupgrade.fleet.FleetProgress;
import org.gloomeshupgrade.fleet.FleetReport;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.resume.EarlierRun;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * A fleet's latest run as Temporal describes it. Read by describe and history, as {@link
 * EarlierRun} reads an upgrade's, so that a closed run is read even when no worker could replay it.
 *
 * @param run the run, its type and status; it keeps no resume point, which is an upgrade's
 * @param progress what it left in its memo for a run that carries it on: the waves that soaked
 */
record FleetRun(EarlierRun run, FleetProgress progress) {
  /** Empty when the workflow ID has no run. */
  static Optional<FleetRun> latest(WorkflowClient client, String workflowId) {
    DescribeWorkflowExecutionResponse described;
    try {
      described =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    var info = described.getWorkflowExecutionInfo();
    Payload memo = info.getMemo().getFieldsMap().get(UpgradeNames.MEMO_FLEET_PROGRESS);
    // A fleet upserts its progress once a wave has soaked: no memo means none has.
    FleetProgress progress =
        memo == null
            ? new FleetProgress(null)
            : client
                .getOptions()
                .getDataConverter()
                .fromPayload(memo, FleetProgress.class, FleetProgress.class);
    return Optional.of(
        new FleetRun(
            new EarlierRun(
                workflowId,
                info.getExecution().getRunId(),
                info.getType().getName(),
                info.getStatus(),
                null),
            progress));
  }

  String runId() {
    return run.runId();
  }

  WorkflowExecutionStatus status() {
    return run.status();
  }

  /** RUNNING, TERMINATED, ... */
  String statusName() {
    return run.statusName();
  }

  boolean open() {
    return status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** The fleet request exactly as the run was started with it. */
  JsonNode request(WorkflowClient client) {
    return run.requestAsStarted(client);
  }

  /** How a completed run ended, from its report; call only for a completed run. */
  FleetState outcome(WorkflowClient client) {
    return client
        .newUntypedWorkflowStub(run.workflowId(), Optional.of(runId()), Optional.empty())
        .getResult(FleetReport.class)
        .outcome();
  }
}
