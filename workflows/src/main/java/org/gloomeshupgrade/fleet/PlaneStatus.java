package org.gloomeshupgrade.fleet;

import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;

/**
 * One management plane in the fleet's view.
 *
 * @param runId the run of the plane's upgrade the fleet follows, "" before it starts
 * @param runState that run's own state, null before it starts
 * @param step the run's step at its latest news (the fleet hears of states, not of every step)
 * @param gate the open gate's ID, "" when none
 * @param level the final report's overall level, or the latest soak check's; null before either
 * @param note what a person should know: why it ended, what it waits for; "" when nothing
 */
public record PlaneStatus(
    String context,
    String workflowId,
    String runId,
    PlaneState state,
    RunState runState,
    Step step,
    String gate,
    CheckLevel level,
    String note) {}
