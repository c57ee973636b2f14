package org.gloomeshupgrade.workflow;

import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.messages.SortedCopy;
import org.gloomeshupgrade.preflight.PreflightReport;

/**
 * What a run leaves for a later run that carries it on ({@code resumeFrom}). Each run keeps it
 * current in its memo (key {@link UpgradeNames#MEMO_RESUME_POINT}), where Temporal keeps it however
 * the run ends, terminated included, and no worker has to replay the run to read it.
 *
 * @param targetVersion the run's target; "" when its request was refused
 * @param state how the run ended; RUNNING while it runs (waits included)
 * @param steps the steps it finished, succeeded or skipped; the others are absent
 * @param preflight the facts from before the first change (context, running version, replica
 *     counts, discovery inventory; no clusters or warnings), carried on from the first run of a
 *     chain; null when the run did not get past preflight
 * @param backupId what the backup taken before the first change is found by (the first run's
 *     workflow ID)
 * @param backup where that backup is, null when none was taken
 * @param rollbackCommand the command that undoes the control-plane step, "" when none
 * @param conformance the conformance reviews in which people accepted problems
 * @param approval the approval given, null when none
 */
public record ResumePoint(
    String targetVersion,
    RunState state,
    Map<Step, StepState> steps,
    PreflightReport preflight,
    String backupId,
    String backup,
    String rollbackCommand,
    List<ConformanceReview> conformance,
    Approval approval) {

  public ResumePoint {
    steps = SortedCopy.of(steps);
    conformance = List.copyOf(conformance);
  }

  public StepState state(Step step) {
    return steps.getOrDefault(step, StepState.PENDING);
  }
}
