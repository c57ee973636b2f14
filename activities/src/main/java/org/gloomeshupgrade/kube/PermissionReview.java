package org.gloomeshupgrade.kube;

/**
 * One permission to ask about. An empty namespace means all namespaces for a namespaced resource,
 * and nothing for a cluster-scoped one.
 */
public record PermissionReview(
    String context,
    String verb,
    String group,
    String resource,
    String subresource,
    String namespace,
    boolean clusterScoped) {
  public static PermissionReview namespaced(
      String context, String verb, String group, String resource, String sub, String ns) {
    return new PermissionReview(context, verb, group, resource, sub, ns, false);
  }

  public static PermissionReview allNamespaces(
      String context, String verb, String group, String resource) {
    return new PermissionReview(context, verb, group, resource, "", "", false);
  }

  public static PermissionReview clusterWide(
      String context, String verb, String group, String resource) {
    return new PermissionReview(context, verb, group, resource, "", "", true);
  }

  /** "list discovery.mesh.gloo.solo.io/meshes in all namespaces on mgmt" */
  public String describe() {
    String what =
        (group.isEmpty() ? "" : group + "/")
            + resource
            + (subresource.isEmpty() ? "" : "/" + subresource);
    String where =
        clusterScoped
            ? "cluster-wide"
            : namespace.isEmpty() ? "in all namespaces" : "in " + namespace;
    return verb + " " + what + " " + where + " on " + context;
  }
}
