package org.gloomeshupgrade.resume;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import org.gloomeshupgrade.request.ResumeFrom;

/** Reading the earlier run that a new run carries on, from Temporal. */
@ActivityInterface
public interface ResumeActivities {
  /**
   * Its status, request and (when it is closed) its resume point; never refuses: the workflow
   * judges.
   */
  @ActivityMethod(name = "ReadPreviousRun")
  PreviousRun readPreviousRun(ResumeFrom from);
}
