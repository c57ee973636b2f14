package org.gloomeshupgrade.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A Gloo Mesh management-plane upgrade. The input is the request as raw JSON so that any input,
 * even a malformed one, reaches the workflow and ends it with a clear error instead of leaving a
 * workflow task retrying on a decode failure.
 */
@WorkflowInterface
public interface GlooMeshUpgradeWorkflow {
  @WorkflowMethod(name = UpgradeNames.WORKFLOW_TYPE)
  UpgradeReport upgrade(JsonNode request);

  /**
   * Approve scaling networking back up. Ignored (and noted in the status) when no approval is
   * awaited.
   */
  @SignalMethod(name = UpgradeNames.SIGNAL_APPROVE)
  void approve(Approval approval);

  /** Reject: networking stays at 0 and the run ends as REJECTED. */
  @SignalMethod(name = UpgradeNames.SIGNAL_REJECT)
  void reject(Approval rejection);

  /** Choose what happens to a failed step. */
  @SignalMethod(name = UpgradeNames.SIGNAL_DECIDE)
  void decide(StepDecision decision);

  /** Like {@link #approve}, but answers at once: refused when nothing awaits approval. */
  @UpdateMethod(name = UpgradeNames.UPDATE_APPROVE)
  String approveNow(Approval approval);

  @UpdateValidatorMethod(updateName = UpgradeNames.UPDATE_APPROVE)
  void validateApproveNow(Approval approval);

  @UpdateMethod(name = UpgradeNames.UPDATE_REJECT)
  String rejectNow(Approval rejection);

  @UpdateValidatorMethod(updateName = UpgradeNames.UPDATE_REJECT)
  void validateRejectNow(Approval rejection);

  @UpdateMethod(name = UpgradeNames.UPDATE_DECIDE)
  String decideNow(StepDecision decision);

  @UpdateValidatorMethod(updateName = UpgradeNames.UPDATE_DECIDE)
  void validateDecideNow(StepDecision decision);

  @QueryMethod(name = UpgradeNames.QUERY_STATUS)
  UpgradeStatus status();
}
