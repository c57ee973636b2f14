package org.gloomeshupgrade.backup;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * Puts an upgrade's backup back on the management cluster, run by the worker that holds the
 * credentials.
 */
@WorkflowInterface
public interface GlooMeshRestoreWorkflow {
  @WorkflowMethod(name = UpgradeNames.RESTORE_WORKFLOW_TYPE)
  RestoreResult restore(RestoreInput input);
}
