package org.gloomeshupgrade.resume;

import com.fasterxml.jackson.databind.JsonNode;
import org.gloomeshupgrade.workflow.ResumePoint;

/**
 * An earlier run, as a run that carries it on finds it.
 *
 * @param runId the run ID found ("" when none)
 * @param status how Temporal says the run stands: RUNNING, COMPLETED, FAILED, TERMINATED, TIMED_OUT, CANCELED,
 *     CONTINUED_AS_NEW; {@link #NOT_FOUND} when there is no such run, {@link #NOT_AN_UPGRADE} when it is another
 *     workflow type, {@link #SELF} when the name leads to the run that asks
 * @param request the run's request, as it was started; null unless found
 * @param point what the run left; null unless it is closed
 */
public record PreviousRun(String workflowId, String runId, String status, JsonNode request, ResumePoint point) {
  public static final String NOT_FOUND = "NOT_FOUND";
  public static final String NOT_AN_UPGRADE = "NOT_AN_UPGRADE";
  public static final String SELF = "SELF";
  public static final String RUNNING = "RUNNING";

  public String describe() {
    return runId.isEmpty() ? workflowId : workflowId + "/" + runId;
  }
}
