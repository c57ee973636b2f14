package org.gloomeshupgrade.backup;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * Puts a backup back on the management cluster, run by the worker that holds the credentials, once
 * a person other than the requester approves (unless the request allows self-approval). The answers
 * have the names and shapes of an upgrade's approval, so `gmu approve` and `gmu reject` answer
 * both.
 */
@WorkflowInterface
public interface GlooMeshRestoreWorkflow {
  @WorkflowMethod(name = UpgradeNames.RESTORE_WORKFLOW_TYPE)
  RestoreResult restore(RestoreRequest request);

  @SignalMethod(name = UpgradeNames.SIGNAL_APPROVE)
  void approve(Approval approval);

  /** Nothing is written and the restore ends as REJECTED. */
  @SignalMethod(name = UpgradeNames.SIGNAL_REJECT)
  void reject(Approval rejection);

  @UpdateMethod(name = UpgradeNames.UPDATE_APPROVE)
  String approveNow(Approval approval);

  @UpdateValidatorMethod(updateName = UpgradeNames.UPDATE_APPROVE)
  void validateApproveNow(Approval approval);

  @UpdateMethod(name = UpgradeNames.UPDATE_REJECT)
  String rejectNow(Approval rejection);

  @UpdateValidatorMethod(updateName = UpgradeNames.UPDATE_REJECT)
  void validateRejectNow(Approval rejection);

  @QueryMethod(name = UpgradeNames.QUERY_STATUS)
  RestoreStatus status();
}
