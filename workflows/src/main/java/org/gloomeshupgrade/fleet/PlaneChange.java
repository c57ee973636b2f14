package org.gloomeshupgrade.fleet;

import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;

/**
 * A child upgrade's news for its fleet: sent when its state or gate changes, never per step.
 *
 * @param gate the open gate's ID, "" when none
 * @param attention what a person must act on, "" when nothing
 * @param level the final report's overall level, null before the report
 */
public record PlaneChange(
    String context,
    String runId,
    RunState state,
    Step step,
    String gate,
    String attention,
    CheckLevel level) {}
