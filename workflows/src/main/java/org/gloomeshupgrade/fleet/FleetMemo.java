package org.gloomeshupgrade.fleet;

import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import org.gloomeshupgrade.workflow.UpgradeNames;

/** Reads what a fleet run left in its memo, for the run that carries it on. */
public final class FleetMemo {
  private FleetMemo() {}

  /** The waves the run soaked; none when it kept no progress. */
  public static FleetProgress progress(WorkflowClient client, String workflowId, String runId) {
    var info =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(
                        WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
                    .build())
            .getWorkflowExecutionInfo();
    Payload memo = info.getMemo().getFieldsMap().get(UpgradeNames.MEMO_FLEET_PROGRESS);
    return memo == null
        ? new FleetProgress(null)
        : client
            .getOptions()
            .getDataConverter()
            .fromPayload(memo, FleetProgress.class, FleetProgress.class);
  }
}
