package org.gloomeshupgrade.cli;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeStatus;

/**
 * A plane's upgrade run that answers the status query as the real one does, with the status it was
 * started with, and never ends: what a fleet's running plane is to the commands.
 */
@WorkflowInterface
public interface StandInPlane {
  @WorkflowMethod
  void run(UpgradeStatus status);

  @QueryMethod(name = UpgradeNames.QUERY_STATUS)
  UpgradeStatus status();

  /** The run. */
  class Run implements StandInPlane {
    private UpgradeStatus status;

    @Override
    public void run(UpgradeStatus status) {
      this.status = status;
      Workflow.await(() -> false);
    }

    @Override
    public UpgradeStatus status() {
      return status;
    }
  }
}
