package org.gloomeshupgrade.backup;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * Lists a management cluster's backups, run by the worker because it holds the credentials: `gmu
 * backups` starts it and prints the result.
 */
@WorkflowInterface
public interface GlooMeshBackupListWorkflow {
  @WorkflowMethod(name = UpgradeNames.BACKUP_LIST_WORKFLOW_TYPE)
  BackupList list(BackupListInput input);
}
