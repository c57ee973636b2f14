package org.gloomeshupgrade.discovery;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.kube.CrdKind;
import org.gloomeshupgrade.kube.CrdKinds;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class DiscoveryActivitiesImpl implements DiscoveryActivities {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryActivitiesImpl.class);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration DEFAULT_CONFIRM = Duration.ofSeconds(30);

  private final KubernetesClients clients;
  private final Duration confirmTimeout;

  public DiscoveryActivitiesImpl(KubernetesClients clients) {
    this(clients, DEFAULT_CONFIRM);
  }

  /**
   * @param confirmTimeout how long deleted resources may take to disappear (finalizers)
   */
  public DiscoveryActivitiesImpl(KubernetesClients clients, Duration confirmTimeout) {
    this.clients = clients;
    this.confirmTimeout = confirmTimeout;
  }

  @Override
  public DiscoveryDeleteResult deleteAll(String requestedContext) {
    String context = clients.resolve(requestedContext);
    KubernetesClient client = clients.forContext(context);
    // Only kinds whose CRD is in the discovery group: this list is the whole blast radius.
    List<CrdKind> kinds = discoveryKinds(client, context);
    Map<String, Integer> deleted = new TreeMap<>();
    int collectionDeletes = 0;
    for (CrdKind kind : kinds) {
      List<GenericKubernetesResource> items = CrdKinds.list(client, context, kind);
      deleted.put(kind.kind(), items.size());
      Map<String, Long> byNamespace =
          items.stream()
              .collect(
                  Collectors.groupingBy(
                      r ->
                          r.getMetadata().getNamespace() == null
                              ? ""
                              : r.getMetadata().getNamespace(),
                      TreeMap::new,
                      Collectors.counting()));
      for (var entry : byNamespace.entrySet()) {
        String ns = entry.getKey();
        long started = System.nanoTime();
        KubernetesFailures.call(
            "deleting every " + kind.describe() + " in namespace " + ns,
            context,
            () ->
                kind.namespaced()
                    ? client.genericKubernetesResources(kind.context()).inNamespace(ns).delete()
                    : client.genericKubernetesResources(kind.context()).delete());
        collectionDeletes++;
        log.info(
            "delete discovery: cluster={} kind={} namespace={}: collection delete of {} resource(s) sent in {}ms",
            context,
            kind.describe(),
            ns.isEmpty() ? "(cluster)" : ns,
            entry.getValue(),
            Duration.ofNanos(System.nanoTime() - started).toMillis());
        Heartbeats.beat("deleted " + kind.kind() + " in " + ns);
      }
      if (items.isEmpty()) {
        log.info(
            "delete discovery: cluster={} kind={}: none found, nothing to delete",
            context,
            kind.describe());
      }
    }
    confirmEmpty(client, context, kinds);
    log.info(
        "delete discovery: cluster={}: {} collection delete(s), deleted {}, every list empty",
        context,
        collectionDeletes,
        deleted);
    return new DiscoveryDeleteResult(deleted, collectionDeletes);
  }

  @Override
  public DiscoveryCounts count(String requestedContext) {
    String context = clients.resolve(requestedContext);
    KubernetesClient client = clients.forContext(context);
    Map<String, Integer> counts = CrdKinds.count(client, context, discoveryKinds(client, context));
    log.info("count discovery: cluster={}: {}", context, counts);
    return new DiscoveryCounts(counts);
  }

  private static List<CrdKind> discoveryKinds(KubernetesClient client, String context) {
    return CrdKinds.ofGroups(client, context, List.of(GlooMeshGroups.DISCOVERY));
  }

  private void confirmEmpty(KubernetesClient client, String context, List<CrdKind> kinds) {
    long deadline = System.nanoTime() + confirmTimeout.toNanos();
    while (true) {
      Map<String, List<String>> left = new LinkedHashMap<>();
      for (CrdKind kind : kinds) {
        List<String> names = new ArrayList<>();
        for (GenericKubernetesResource r : CrdKinds.list(client, context, kind)) {
          names.add(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName());
        }
        if (!names.isEmpty()) {
          left.put(kind.kind(), names);
        }
      }
      if (left.isEmpty()) {
        return;
      }
      if (System.nanoTime() >= deadline) {
        String summary =
            left.entrySet().stream()
                .map(
                    e ->
                        e.getKey()
                            + " "
                            + e.getValue().size()
                            + " left ("
                            + first(e.getValue())
                            + ")")
                .collect(Collectors.joining("; "));
        log.warn(
            "delete discovery: cluster={}: still there after {}s: {}",
            context,
            confirmTimeout.toSeconds(),
            summary);
        throw ApplicationFailure.newFailure(
            "Discovery resources are still present on cluster "
                + context
                + " "
                + confirmTimeout.toSeconds()
                + "s after their collection deletes: "
                + summary
                + ". Is discovery still running (it recreates them), or does a finalizer hold them? The step retries.",
            FailureTypes.WAIT_TIMED_OUT);
      }
      Heartbeats.pause(POLL, "waiting for discovery lists to empty: " + left.keySet());
    }
  }

  private static String first(List<String> names) {
    return names.size() <= 5
        ? String.join(", ", names)
        : String.join(", ", names.subList(0, 5)) + ", ...";
  }
}
