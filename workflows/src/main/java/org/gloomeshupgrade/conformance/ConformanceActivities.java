package org.gloomeshupgrade.conformance;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Step 6: do the user's networking, settings and rbac resources fit the installed CRDs? */
@ActivityInterface
public interface ConformanceActivities {
  @ActivityMethod(name = "CheckConformance")
  ConformanceReport check(String context);
}
