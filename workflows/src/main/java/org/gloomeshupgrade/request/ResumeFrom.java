package org.gloomeshupgrade.request;

/**
 * The earlier run of the same upgrade that a new run carries on from. On the wire, {@code
 * "resumeFrom"} is an object {@code {"workflowId": "...", "runId": "..."}} or just the workflow ID
 * as a string.
 *
 * @param workflowId the earlier run's workflow ID
 * @param runId the earlier run's run ID; "" for the latest run of that workflow ID. Required when
 *     the new run has the same workflow ID, whose latest run is the new run itself.
 */
public record ResumeFrom(String workflowId, String runId) {
  public ResumeFrom {
    runId = runId == null ? "" : runId;
  }

  /** "workflowId" or "workflowId/runId", as people name a run. */
  public String describe() {
    return runId.isEmpty() ? workflowId : workflowId + "/" + runId;
  }
}
