package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;

/** Upgrade runs started as the Temporal UI or CLI starts them: a workflow ID, the task queue. */
public final class UpgradeRuns {
  private UpgradeRuns() {}

  /** Starts the run and returns its stub, to query, signal and wait for. */
  public static GlooMeshUpgradeWorkflow start(
      WorkflowClient client, String workflowId, JsonNode request) {
    GlooMeshUpgradeWorkflow wf =
        client.newWorkflowStub(
            GlooMeshUpgradeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build());
    WorkflowClient.start(wf::upgrade, request);
    return wf;
  }
}
