package org.gloomeshupgrade.fleet;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import java.util.Optional;
import org.gloomeshupgrade.resume.EarlierRun;
import org.gloomeshupgrade.workflow.ResumePoint;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a plane's latest upgrade run from Temporal: by describe and its memo's resume point, and,
 * for a run still open, by its status query (a closed run may have no worker able to answer one).
 * It talks to Temporal only, so it lives beside the workflow.
 */
public class FleetActivitiesImpl implements FleetActivities {
  private static final Logger log = LoggerFactory.getLogger(FleetActivitiesImpl.class);

  private final WorkflowClient client;

  public FleetActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public PlaneRun latestPlaneRun(String context) {
    String workflowId = UpgradeNames.workflowId(context);
    Optional<EarlierRun> found = EarlierRun.find(client, workflowId, "");
    if (found.isEmpty()) {
      log.info("fleet: {} has no upgrade run yet", context);
      return null;
    }
    EarlierRun run = found.get();
    ResumePoint point = run.point();
    PlaneRun latest;
    if (run.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      UpgradeStatus status =
          client
              .newUntypedWorkflowStub(workflowId, Optional.of(run.runId()), Optional.empty())
              .query(UpgradeNames.QUERY_STATUS, UpgradeStatus.class);
      latest =
          new PlaneRun(
              workflowId,
              run.runId(),
              true,
              status.state(),
              status.targetVersion(),
              status.currentStep(),
              status.gate() == null ? "" : status.gate(),
              status.verify() == null ? null : status.verify().overall());
    } else {
      latest =
          new PlaneRun(
              workflowId,
              run.runId(),
              false,
              point == null ? null : point.state(),
              point == null ? "" : point.targetVersion(),
              null,
              "",
              null);
    }
    log.info(
        "fleet: {} latest run {} is {} (state {}, target {})",
        context,
        run.runId(),
        run.statusName(),
        latest.state(),
        latest.targetVersion());
    return latest;
  }
}
