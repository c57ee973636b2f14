package org.gloomeshupgrade.worker;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.gloomeshupgrade.testkit.ResourceKey;

/**
 * Resources of the simulator's Gloo Mesh fixtures that the worker tests read, change or delete by
 * hand.
 */
final class FixtureResources {
  private FixtureResources() {}

  /** The TrafficPolicy kind, networking.mesh.gloo.solo.io/v1alpha2. */
  static final ResourceDefinitionContext TRAFFIC_POLICIES =
      new ResourceDefinitionContext.Builder()
          .withGroup("networking.mesh.gloo.solo.io")
          .withVersion("v1alpha2")
          .withKind("TrafficPolicy")
          .withPlural("trafficpolicies")
          .withNamespaced(true)
          .build();

  /** The fixtures' TrafficPolicy gloo-mesh/mgmt-retries, as a configuration snapshot names it. */
  static final ResourceKey MGMT_RETRIES =
      ResourceKey.namespaced(
          "networking.mesh.gloo.solo.io", "TrafficPolicy", "gloo-mesh", "mgmt-retries");
}
