package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import java.util.Optional;
import org.gloomeshupgrade.fleet.FleetMemo;
import org.gloomeshupgrade.fleet.FleetProgress;
import org.gloomeshupgrade.fleet.FleetReport;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.resume.EarlierRun;

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
    return EarlierRun.find(client, workflowId, "")
        .map(run -> new FleetRun(run, FleetMemo.progress(client, workflowId, run.runId())));
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
