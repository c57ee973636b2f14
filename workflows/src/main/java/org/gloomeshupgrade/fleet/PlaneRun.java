package org.gloomeshupgrade.fleet;

import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;

/**
 * The latest run of a plane's upgrade, as the fleet finds it before starting one.
 *
 * @param open whether it is still running
 * @param state its own state; null when its status could not be read
 * @param gate its open gate, "" when none
 * @param level its final report's overall level, null when it has none
 */
public record PlaneRun(
    String workflowId,
    String runId,
    boolean open,
    RunState state,
    String targetVersion,
    Step step,
    String gate,
    CheckLevel level) {}
