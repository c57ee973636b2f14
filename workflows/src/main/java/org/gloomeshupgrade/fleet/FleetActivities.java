package org.gloomeshupgrade.fleet;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** What the fleet reads from Temporal itself: the planes' own upgrade runs. */
@ActivityInterface
public interface FleetActivities {
  /** The latest run of the plane's upgrade workflow ID; null when it never ran. */
  @ActivityMethod(name = "LatestPlaneRun")
  PlaneRun latestPlaneRun(String context);
}
