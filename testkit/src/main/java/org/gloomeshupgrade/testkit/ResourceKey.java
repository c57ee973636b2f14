package org.gloomeshupgrade.testkit;

import java.util.Comparator;
import java.util.Objects;

/**
 * Which custom resource: API group, kind, namespace and name, without the version, so a resource
 * read at a different storage version after an upgrade is still the same resource.
 *
 * @param namespace empty for a cluster-scoped resource
 */
public record ResourceKey(String group, String kind, String namespace, String name)
    implements Comparable<ResourceKey> {

  private static final Comparator<ResourceKey> ORDER =
      Comparator.comparing(ResourceKey::group)
          .thenComparing(ResourceKey::kind)
          .thenComparing(ResourceKey::namespace)
          .thenComparing(ResourceKey::name);

  public ResourceKey {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace (empty for a cluster-scoped resource)");
    Objects.requireNonNull(name, "name");
  }

  public static ResourceKey namespaced(String group, String kind, String namespace, String name) {
    if (namespace.isEmpty()) {
      throw new IllegalArgumentException(
          "a namespaced resource needs a namespace: " + kind + " " + name);
    }
    return new ResourceKey(group, kind, namespace, name);
  }

  public static ResourceKey clusterScoped(String group, String kind, String name) {
    return new ResourceKey(group, kind, "", name);
  }

  public boolean clusterScoped() {
    return namespace.isEmpty();
  }

  @Override
  public int compareTo(ResourceKey other) {
    return ORDER.compare(this, other);
  }

  /**
   * {@code group/Kind namespace/name}, or {@code group/Kind name} for a cluster-scoped resource.
   */
  @Override
  public String toString() {
    return group + "/" + kind + " " + (clusterScoped() ? name : namespace + "/" + name);
  }
}
