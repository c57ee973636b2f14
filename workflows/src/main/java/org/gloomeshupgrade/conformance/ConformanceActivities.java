package org.gloomeshupgrade.conformance;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import org.gloomeshupgrade.crds.CrdApplyInput;

/**
 * Preflight and step 6: do the user's networking, settings and rbac resources fit the target's
 * CRDs?
 */
@ActivityInterface
public interface ConformanceActivities {
  @ActivityMethod(name = "CheckConformance")
  ConformanceReport check(String context);

  /**
   * The same check against the target version's CRDs read from the request's CRD source, before
   * anything changes: what the new schemas would refuse or drop once they are installed.
   */
  @ActivityMethod(name = "CheckConformanceToTarget")
  ConformanceReport checkAgainstTarget(CrdApplyInput crds);
}
