package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

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

  /**
   * Objects per list request. A collection of any size is read in pages of this many, so neither
   * the API server nor the worker holds a whole large answer at once, and a slow read is resumed
   * where it was rather than restarted.
   */
  public static final long PAGE = 500;

  /** Every object of the kind, in all namespaces, read a page at a time. */
  public static List<GenericKubernetesResource> list(
      KubernetesClient client, String context, CrdKind kind) {
    List<GenericKubernetesResource> all = new ArrayList<>();
    forEach(client, context, kind, all::add);
    return all;
  }

  /** Hands each object of the kind, in all namespaces, to {@code each}, a page at a time. */
  public static void forEach(
      KubernetesClient client,
      String context,
      CrdKind kind,
      Consumer<GenericKubernetesResource> each) {
    String token = null;
    do {
      GenericKubernetesResourceList page = page(client, context, kind, PAGE, token);
      page.getItems().forEach(each);
      token = next(page, token, kind);
    } while (token != null);
  }

  /**
   * At most {@code limit} objects of the kind (the first page of a list), for naming a few of many.
   */
  public static List<GenericKubernetesResource> first(
      KubernetesClient client, String context, CrdKind kind, int limit) {
    List<GenericKubernetesResource> items = page(client, context, kind, limit, null).getItems();
    // A server that ignores the limit (no Kubernetes API server does) still answers in bounds.
    return items.size() <= limit ? items : List.copyOf(items.subList(0, limit));
  }

  /**
   * How many objects of the kind there are in all namespaces. One request of one object where the
   * API server says how many remain ({@code remainingItemCount}, which Kubernetes sets on
   * unfiltered lists from 1.15); otherwise counted a page at a time. What crosses the network is
   * then one object per kind instead of the whole collection: the difference a discovery poll every
   * 15 s makes on a mesh of tens of thousands of discovery objects.
   */
  public static int count(KubernetesClient client, String context, CrdKind kind) {
    GenericKubernetesResourceList first = page(client, context, kind, 1, null);
    Long remaining =
        first.getMetadata() == null ? null : first.getMetadata().getRemainingItemCount();
    String token = next(first, null, kind);
    if (token == null) {
      return first.getItems().size();
    }
    if (remaining != null) {
      return Math.toIntExact(first.getItems().size() + remaining);
    }
    int counted = first.getItems().size();
    do {
      GenericKubernetesResourceList page = page(client, context, kind, PAGE, token);
      counted += page.getItems().size();
      token = next(page, token, kind);
    } while (token != null);
    return counted;
  }

  /** Kind to the number of its objects in all namespaces. */
  public static Map<String, Integer> count(
      KubernetesClient client, String context, List<CrdKind> kinds) {
    Map<String, Integer> counts = new TreeMap<>();
    for (CrdKind kind : kinds) {
      counts.put(kind.kind(), count(client, context, kind));
    }
    return counts;
  }

  private static GenericKubernetesResourceList page(
      KubernetesClient client, String context, CrdKind kind, long limit, String token) {
    ListOptions options = new ListOptionsBuilder().withLimit(limit).withContinue(token).build();
    return KubernetesFailures.call(
        "listing " + kind.describe() + " in all namespaces",
        context,
        () ->
            kind.namespaced()
                ? client.genericKubernetesResources(kind.context()).inAnyNamespace().list(options)
                : client.genericKubernetesResources(kind.context()).list(options));
  }

  /** The next page's token, or null at the end; refuses a server that hands the same one back. */
  private static String next(GenericKubernetesResourceList page, String previous, CrdKind kind) {
    String token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    if (token == null || token.isEmpty()) {
      return null;
    }
    if (token.equals(previous)) {
      throw new IllegalStateException(
          "the API server answered the same continue token twice listing " + kind.describe());
    }
    return token;
  }
}
