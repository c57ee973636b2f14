package org.gloomeshupgrade.discovery;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Steps 3 and 8: the discovery group's resources. */
@ActivityInterface
public interface DiscoveryActivities {
  /**
   * Deletes every resource of every kind whose CRD is in the discovery group, one collection delete
   * per kind and namespace, then confirms the lists are empty. Idempotent.
   */
  @ActivityMethod(name = "DeleteDiscoveryResources")
  DiscoveryDeleteResult deleteAll(String context);

  /** Counts the discovery group's resources per kind, in all namespaces. */
  @ActivityMethod(name = "CountDiscoveryResources")
  DiscoveryCounts count(String context);
}
