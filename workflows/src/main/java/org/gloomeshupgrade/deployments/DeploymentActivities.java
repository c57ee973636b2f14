package org.gloomeshupgrade.deployments;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Steps 2, 8 and 10: scale a Gloo Mesh deployment and wait for the result. */
@ActivityInterface
public interface DeploymentActivities {
  /**
   * Sets the replica count and waits: for 0, until no pod of the deployment remains; otherwise
   * until the deployment has that many available replicas. Idempotent.
   */
  @ActivityMethod(name = "ScaleDeployment")
  ScaleResult scale(ScaleInput input);
}
