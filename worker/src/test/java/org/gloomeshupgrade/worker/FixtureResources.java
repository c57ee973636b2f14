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
      kind("networking.mesh.gloo.solo.io", "v1alpha2", "TrafficPolicy", "trafficpolicies");

  /** The WasmDeployment kind, networking.enterprise.mesh.gloo.solo.io/v1alpha1. */
  static final ResourceDefinitionContext WASM_DEPLOYMENTS =
      kind(
          "networking.enterprise.mesh.gloo.solo.io",
          "v1alpha1",
          "WasmDeployment",
          "wasmdeployments");

  /** Gloo Mesh's own Role kind, rbac.enterprise.mesh.gloo.solo.io/v1alpha1. */
  static final ResourceDefinitionContext RBAC_ROLES =
      kind("rbac.enterprise.mesh.gloo.solo.io", "v1alpha1", "Role", "roles");

  static final ResourceDefinitionContext RBAC_ROLE_BINDINGS =
      kind("rbac.enterprise.mesh.gloo.solo.io", "v1alpha1", "RoleBinding", "rolebindings");

  /** A registration, multicluster.solo.io/v1alpha1 KubernetesCluster. */
  static final ResourceDefinitionContext KUBERNETES_CLUSTERS =
      kind("multicluster.solo.io", "v1alpha1", "KubernetesCluster", "kubernetesclusters");

  private static ResourceDefinitionContext kind(
      String group, String version, String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  /** The fixtures' TrafficPolicy gloo-mesh/mgmt-retries, as a configuration snapshot names it. */
  static final ResourceKey MGMT_RETRIES =
      ResourceKey.namespaced(
          "networking.mesh.gloo.solo.io", "TrafficPolicy", "gloo-mesh", "mgmt-retries");
}
