package org.gloomeshupgrade.resume;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.gloomeshupgrade.workflow.ResumePoint;

/**
 * An earlier run, as a run that carries it on finds it.
 *
 * @param runId the run ID found ("" when none)
 * @param status how the run stands, or why it could not be read
 * @param request the run's request, as it was started; null unless found
 * @param point what the run left; null unless it is closed
 */
public record PreviousRun(
    String workflowId, String runId, Status status, JsonNode request, ResumePoint point) {

  /**
   * Temporal's status of the run, and the three ways the name can lead nowhere a run can carry on.
   */
  public enum Status {
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELED,
    TERMINATED,
    CONTINUED_AS_NEW,
    TIMED_OUT,
    /** A status this version does not know: the run is judged by its resume point. */
    OTHER,
    /** There is no such run. */
    NOT_FOUND,
    /** The run is another workflow type. */
    NOT_AN_UPGRADE,
    /** The name leads to the run that asks. */
    SELF;

    /**
     * The status by its name, as Temporal and histories write it; OTHER for one this version does
     * not know.
     */
    @JsonCreator
    public static Status of(String name) {
      return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst().orElse(OTHER);
    }
  }

  public String describe() {
    return runId.isEmpty() ? workflowId : workflowId + "/" + runId;
  }
}
