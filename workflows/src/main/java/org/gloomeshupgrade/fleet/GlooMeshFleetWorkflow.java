package org.gloomeshupgrade.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * Several management planes upgraded to one version in waves (docs/fleet.md). Each plane is a child
 * {@code GlooMeshUpgrade} run under the plane's own workflow ID. The request is raw JSON, as for a
 * single upgrade, so that any input reaches the workflow and ends it naming the bad field.
 */
@WorkflowInterface
public interface GlooMeshFleetWorkflow {
  /**
   * @param request the fleet request (docs/fleet.md)
   * @param resume what an earlier run of this fleet left (gmu fleet resume); null for a new fleet
   */
  @WorkflowMethod(name = UpgradeNames.FLEET_WORKFLOW_TYPE)
  FleetReport upgrade(JsonNode request, FleetResume resume);

  /** Sent by a child upgrade each time it starts running, waits at a gate or needs a person. */
  @SignalMethod(name = UpgradeNames.SIGNAL_PLANE_CHANGED)
  void planeChanged(PlaneChange change);

  /** With {@code approval: per-wave}: approves every plane's approval gate in the wave. */
  @UpdateMethod(name = UpgradeNames.UPDATE_APPROVE_WAVE)
  String approveWave(WaveApproval approval);

  @UpdateValidatorMethod(updateName = UpgradeNames.UPDATE_APPROVE_WAVE)
  void validateApproveWave(WaveApproval approval);

  /** A person's answer to a halted fleet: continue, check again, or stop. */
  @UpdateMethod(name = UpgradeNames.UPDATE_CONTINUE_FLEET)
  String continueFleet(FleetAnswer answer);

  @UpdateValidatorMethod(updateName = UpgradeNames.UPDATE_CONTINUE_FLEET)
  void validateContinueFleet(FleetAnswer answer);

  @QueryMethod(name = UpgradeNames.QUERY_STATUS)
  FleetStatus status();
}
