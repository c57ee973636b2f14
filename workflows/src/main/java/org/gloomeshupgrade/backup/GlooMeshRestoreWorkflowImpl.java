package org.gloomeshupgrade.backup;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import org.gloomeshupgrade.request.RequestDefaults;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.gloomeshupgrade.workflow.UpgradeActivityOptions;

/** One activity: restore is idempotent, so retrying it is safe. */
public class GlooMeshRestoreWorkflowImpl implements GlooMeshRestoreWorkflow {
  private final BackupActivities backups =
      Workflow.newActivityStub(BackupActivities.class, UpgradeActivityOptions.backup());

  @Override
  public RestoreResult restore(RestoreInput input) {
    if (input == null || input.backupId() == null || input.backupId().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "backupId: required (the upgrade's workflow ID)", FailureTypes.INVALID_REQUEST);
    }
    String namespace =
        input.namespace() == null || input.namespace().isBlank()
            ? RequestDefaults.NAMESPACE
            : input.namespace();
    String context = input.context() == null ? RequestDefaults.MANAGEMENT_CONTEXT : input.context();
    return backups.restore(new RestoreInput(context, namespace, input.backupId()));
  }
}
