package org.gloomeshupgrade.preflight;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Step 0: look at every cluster the run will touch, change nothing. */
@ActivityInterface
public interface PreflightActivities {
  /**
   * Reaches the management cluster (and every remote cluster to re-register) by kubeconfig context,
   * refusing a context the worker's kubeconfig lacks; checks every permission the run needs with
   * SelfSubjectAccessReview; reads the running version, the original replica counts and the
   * discovery inventory.
   */
  @ActivityMethod(name = "Preflight")
  PreflightReport preflight(PreflightInput input);
}
