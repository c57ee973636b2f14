package org.gloomeshupgrade.resume;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.Activity;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import java.util.Locale;
import java.util.Optional;
import org.gloomeshupgrade.request.ResumeFrom;
import org.gloomeshupgrade.workflow.ResumePoint;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the earlier run in Temporal (this activity talks to Temporal only, so it lives beside the workflow): its status
 * and resume point by describe (the memo), its request from the first event of its history. A query would not do: the
 * Java SDK cannot replay a terminated run's history to answer one.
 */
public class ResumeActivitiesImpl implements ResumeActivities {
  private static final Logger log = LoggerFactory.getLogger(ResumeActivitiesImpl.class);
  private static final String STATUS_PREFIX = "WORKFLOW_EXECUTION_STATUS_";

  private final WorkflowClient client;

  public ResumeActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public PreviousRun readPreviousRun(ResumeFrom from) {
    String namespace = client.getOptions().getNamespace();
    WorkflowExecution asked = WorkflowExecution.newBuilder().setWorkflowId(from.workflowId())
        .setRunId(from.runId()).build();
    DescribeWorkflowExecutionResponse described;
    try {
      described = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder().setNamespace(namespace).setExecution(asked).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND || e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        log.info("resume: run {} not found in namespace {}: {}", from.describe(), namespace, e.getMessage());
        return new PreviousRun(from.workflowId(), from.runId(), PreviousRun.NOT_FOUND, null, null);
      }
      throw e;
    }
    var info = described.getWorkflowExecutionInfo();
    String runId = info.getExecution().getRunId();
    if (!UpgradeNames.WORKFLOW_TYPE.equals(info.getType().getName())) {
      return new PreviousRun(from.workflowId(), runId, PreviousRun.NOT_AN_UPGRADE, null, null);
    }
    if (runId.equals(Activity.getExecutionContext().getInfo().getWorkflowRunId())) {
      return new PreviousRun(from.workflowId(), runId, PreviousRun.SELF, null, null);
    }
    String status = status(info.getStatus());
    JsonNode request = request(from.workflowId(), runId);
    Payload memo = info.getMemo().getFieldsMap().get(UpgradeNames.MEMO_RESUME_POINT);
    ResumePoint point = memo == null ? null
        : client.getOptions().getDataConverter().fromPayload(memo, ResumePoint.class, ResumePoint.class);
    log.info("resume: run {}/{} is {}{}", from.workflowId(), runId, status,
        point == null ? ", with no resume point" : " at state " + point.state() + ", steps done " + point.steps());
    return new PreviousRun(from.workflowId(), runId, status, request, point);
  }

  private static String status(WorkflowExecutionStatus status) {
    return status.name().replaceFirst("^" + STATUS_PREFIX, "").toUpperCase(Locale.ROOT);
  }

  /** The request exactly as the run was started with it: the input of its first event. */
  private JsonNode request(String workflowId, String runId) {
    HistoryEvent first = client.getWorkflowServiceStubs().blockingStub().getWorkflowExecutionHistory(
        GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
            .setMaximumPageSize(1).build()).getHistory().getEvents(0);
    Payloads input = first.getWorkflowExecutionStartedEventAttributes().getInput();
    return client.getOptions().getDataConverter().fromPayloads(0, Optional.of(input), JsonNode.class,
        JsonNode.class);
  }
}
