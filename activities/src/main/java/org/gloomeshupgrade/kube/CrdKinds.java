package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the kinds of some API groups from the cluster's CRDs. */
public final class CrdKinds {
  private CrdKinds() {}

  /** Every CRD of the cluster; one list call, so several group filters can share it. */
  public static List<CustomResourceDefinition> all(KubernetesClient client, String context) {
    return KubernetesFailures.call(
        "listing CustomResourceDefinitions",
        context,
        () -> client.apiextensions().v1().customResourceDefinitions().list().getItems());
  }

  public static List<CrdKind> ofGroups(
      List<CustomResourceDefinition> crds, Collection<String> groups) {
    return crds.stream()
        .filter(crd -> crd.getSpec() != null && groups.contains(crd.getSpec().getGroup()))
        .filter(
            crd -> crd.getSpec().getVersions() != null && !crd.getSpec().getVersions().isEmpty())
        .map(CrdKind::of)
        .sorted(Comparator.comparing(CrdKind::group).thenComparing(CrdKind::kind))
        .toList();
  }

  public static List<CrdKind> ofGroups(
      KubernetesClient client, String context, Collection<String> groups) {
    return ofGroups(all(client, context), groups);
  }

  /** Every object of the kind, in all namespaces. */
  public static List<GenericKubernetesResource> list(
      KubernetesClient client, String context, CrdKind kind) {
    return KubernetesFailures.call(
        "listing " + kind.describe() + " in all namespaces",
        context,
        () ->
            kind.namespaced()
                ? client
                    .genericKubernetesResources(kind.context())
                    .inAnyNamespace()
                    .list()
                    .getItems()
                : client.genericKubernetesResources(kind.context()).list().getItems());
  }

  /** Kind to the number of its objects in all namespaces. */
  public static Map<String, Integer> count(
      KubernetesClient client, String context, List<CrdKind> kinds) {
    Map<String, Integer> counts = new TreeMap<>();
    for (CrdKind kind : kinds) {
      counts.put(kind.kind(), list(client, context, kind).size());
    }
    return counts;
  }
}
