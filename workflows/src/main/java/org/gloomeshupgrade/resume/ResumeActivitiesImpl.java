package org.gloomeshupgrade.resume;

import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import java.util.Optional;
import org.gloomeshupgrade.request.ResumeFrom;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the earlier run in Temporal ({@link EarlierRun}). This activity talks to Temporal only, so
 * it lives beside the workflow; it reports what it found and leaves the judging to the workflow.
 */
public class ResumeActivitiesImpl implements ResumeActivities {
  private static final Logger log = LoggerFactory.getLogger(ResumeActivitiesImpl.class);

  private final WorkflowClient client;

  public ResumeActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public PreviousRun readPreviousRun(ResumeFrom from) {
    Optional<EarlierRun> found = EarlierRun.find(client, from.workflowId(), from.runId());
    if (found.isEmpty()) {
      log.info(
          "resume: run {} not found in namespace {}",
          from.describe(),
          client.getOptions().getNamespace());
      return new PreviousRun(
          from.workflowId(), from.runId(), PreviousRun.Status.NOT_FOUND, null, null);
    }
    EarlierRun run = found.get();
    if (!UpgradeNames.WORKFLOW_TYPE.equals(run.workflowType())) {
      return new PreviousRun(
          from.workflowId(), run.runId(), PreviousRun.Status.NOT_AN_UPGRADE, null, null);
    }
    if (run.runId().equals(Activity.getExecutionContext().getInfo().getWorkflowRunId())) {
      return new PreviousRun(from.workflowId(), run.runId(), PreviousRun.Status.SELF, null, null);
    }
    log.info(
        "resume: run {} is {}{}",
        run.name(),
        run.statusName(),
        run.point() == null
            ? ", with no resume point"
            : " at state " + run.point().state() + ", steps done " + run.point().steps());
    return new PreviousRun(
        from.workflowId(),
        run.runId(),
        PreviousRun.Status.of(run.statusName()),
        run.requestAsStarted(client),
        run.point());
  }
}
