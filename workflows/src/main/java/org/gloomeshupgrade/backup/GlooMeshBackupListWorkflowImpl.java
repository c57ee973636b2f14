package org.gloomeshupgrade.backup;

import io.temporal.workflow.Workflow;
import org.gloomeshupgrade.request.RequestDefaults;
import org.gloomeshupgrade.workflow.UpgradeActivityOptions;

/** One read-only activity. */
public class GlooMeshBackupListWorkflowImpl implements GlooMeshBackupListWorkflow {
  private final BackupActivities backups =
      Workflow.newActivityStub(BackupActivities.class, UpgradeActivityOptions.backup());

  @Override
  public BackupList list(BackupListInput input) {
    BackupListInput in = input == null ? new BackupListInput("", "") : input;
    return backups.list(
        new BackupListInput(
            in.context() == null ? RequestDefaults.MANAGEMENT_CONTEXT : in.context(),
            in.namespace() == null || in.namespace().isBlank()
                ? RequestDefaults.NAMESPACE
                : in.namespace()));
  }
}
