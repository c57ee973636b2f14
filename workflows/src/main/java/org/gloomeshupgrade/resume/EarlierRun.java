package org.gloomeshupgrade.resume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import java.util.Optional;
import org.gloomeshupgrade.request.ResumeFrom;
import org.gloomeshupgrade.workflow.ResumePoint;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * An earlier run to carry on, as Temporal describes it, for {@code gmu resume} and for the run that
 * carries it on. Read by describe and the first history event, not by a query: no worker can answer
 * a query for a terminated run, whose history the SDK does not replay.
 *
 * @param point what the run left in its memo for a run that carries it on; null when it kept none
 */
public record EarlierRun(
    String workflowId,
    String runId,
    String workflowType,
    WorkflowExecutionStatus status,
    ResumePoint point) {

  /**
   * The run, or empty when there is none; {@code runId} empty names the latest run of the workflow
   * ID.
   */
  public static Optional<EarlierRun> find(WorkflowClient client, String workflowId, String runId) {
    DescribeWorkflowExecutionResponse described;
    try {
      described =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(
                          WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
                      .build());
    } catch (StatusRuntimeException e) {
      // A run ID that is not a UUID is an invalid argument to the server: no such run either.
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND
          || e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        return Optional.empty();
      }
      throw e;
    }
    var info = described.getWorkflowExecutionInfo();
    Payload memo = info.getMemo().getFieldsMap().get(UpgradeNames.MEMO_RESUME_POINT);
    ResumePoint point =
        memo == null
            ? null
            : client
                .getOptions()
                .getDataConverter()
                .fromPayload(memo, ResumePoint.class, ResumePoint.class);
    return Optional.of(
        new EarlierRun(
            workflowId,
            info.getExecution().getRunId(),
            info.getType().getName(),
            info.getStatus(),
            point));
  }

  /** "workflowId/runId", as the workflow names the run it carries on. */
  public String name() {
    return resumeFrom().describe();
  }

  public ResumeFrom resumeFrom() {
    return new ResumeFrom(workflowId, runId);
  }

  /** The run's status without the enum's prefix: RUNNING, TERMINATED, ... */
  public String statusName() {
    return status.name().replaceFirst("^WORKFLOW_EXECUTION_STATUS_", "");
  }

  /** The request exactly as the run was started with it: the input of its first history event. */
  public ObjectNode request(WorkflowClient client) {
    JsonNode request = requestAsStarted(client);
    if (!(request instanceof ObjectNode object)) {
      throw new IllegalStateException(
          "run " + name() + " was not started with a JSON object as its request: " + request);
    }
    return object;
  }

  /** The input of the run's first history event, whatever it is; null when it had none. */
  public JsonNode requestAsStarted(WorkflowClient client) {
    var first =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .getWorkflowExecutionHistory(
                GetWorkflowExecutionHistoryRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(
                        WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
                    .setMaximumPageSize(1)
                    .build())
            .getHistory()
            .getEvents(0);
    var input = first.getWorkflowExecutionStartedEventAttributes().getInput();
    return input.getPayloadsCount() == 0
        ? null
        : client
            .getOptions()
            .getDataConverter()
            .fromPayload(input.getPayloads(0), JsonNode.class, JsonNode.class);
  }
}
