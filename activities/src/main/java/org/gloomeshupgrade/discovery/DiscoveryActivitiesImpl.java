package org.gloomeshupgrade.discovery;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
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

  /**
   * How long one collection delete may take: the API server's own default request timeout, so that
   * the server, not the client, ends a long one. Tens of thousands of objects can take longer
   * still; {@link #deleteCollection} then sends it again while each leaves fewer behind.
   */
  static final Duration COLLECTION_DELETE_TIMEOUT = Duration.ofSeconds(60);

  private final KubernetesClients clients;
  private final Duration confirmTimeout;
  private final Duration collectionDeleteTimeout;

  public DiscoveryActivitiesImpl(KubernetesClients clients) {
    this(clients, DEFAULT_CONFIRM);
  }

  /**
   * @param confirmTimeout how long deleted resources may take to disappear (finalizers)
   */
  public DiscoveryActivitiesImpl(KubernetesClients clients, Duration confirmTimeout) {
    this(clients, confirmTimeout, COLLECTION_DELETE_TIMEOUT);
  }

  /**
   * @param collectionDeleteTimeout how long one collection delete request may take
   */
  public DiscoveryActivitiesImpl(
      KubernetesClients clients, Duration confirmTimeout, Duration collectionDeleteTimeout) {
    this.clients = clients;
    this.confirmTimeout = confirmTimeout;
    this.collectionDeleteTimeout = collectionDeleteTimeout;
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
      // Namespaces and counts only: a page at a time, nothing of the objects kept.
      Map<String, Long> byNamespace = new TreeMap<>();
      CrdKinds.forEach(
          client,
          context,
          kind,
          r -> {
            String ns = r.getMetadata().getNamespace();
            byNamespace.merge(ns == null ? "" : ns, 1L, Long::sum);
          });
      int found = byNamespace.values().stream().mapToInt(Long::intValue).sum();
      deleted.put(kind.kind(), found);
      for (var entry : byNamespace.entrySet()) {
        String ns = entry.getKey();
        long started = System.nanoTime();
        int sent = deleteCollection(client, context, kind, ns);
        collectionDeletes += sent;
        log.info(
            "delete discovery: cluster={} kind={} namespace={}: collection delete of {} resource(s) done in {}ms ({} request(s))",
            context,
            kind.describe(),
            ns.isEmpty() ? "(cluster)" : ns,
            entry.getValue(),
            Duration.ofNanos(System.nanoTime() - started).toMillis(),
            sent);
        Heartbeats.beat("deleted " + kind.kind() + " in " + ns);
      }
      if (found == 0) {
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

  /**
   * One collection delete, sent again when it ends without an answer (the client's or the API
   * server's timeout) while the kind's count goes down: deleting a whole collection can be repeated
   * safely, and a large one takes longer than any one request may. With no progress, the step's
   * retries take over.
   *
   * @return the requests sent
   */
  private int deleteCollection(KubernetesClient counting, String context, CrdKind kind, String ns) {
    KubernetesClient patient = clients.forContext(context, collectionDeleteTimeout);
    String action = "deleting every %s in namespace %s".formatted(kind.describe(), ns);
    int left = Integer.MAX_VALUE;
    for (int sent = 1; ; sent++) {
      try {
        if (kind.namespaced()) {
          patient.genericKubernetesResources(kind.context()).inNamespace(ns).delete();
        } else {
          patient.genericKubernetesResources(kind.context()).delete();
        }
        return sent;
      } catch (KubernetesClientException e) {
        if (!KubernetesFailures.unanswered(e)) {
          throw KubernetesFailures.translate(e, action, context);
        }
        int now =
            KubernetesFailures.call(action, context, () -> CrdKinds.count(counting, context, kind));
        if (now >= left) {
          throw KubernetesFailures.translate(e, action, context);
        }
        log.info(
            "delete discovery: cluster={} kind={} namespace={}: collection delete ended unanswered after request {} with {} left; sending it again",
            context,
            kind.describe(),
            ns.isEmpty() ? "(cluster)" : ns,
            sent,
            now);
        Heartbeats.beat("deleting %s in %s: %d left".formatted(kind.kind(), ns, now));
        left = now;
      }
    }
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
      // Counts while waiting; a few names only for the message, should they stay.
      Map<String, Integer> left = new LinkedHashMap<>();
      for (CrdKind kind : kinds) {
        int count = CrdKinds.count(client, context, kind);
        if (count > 0) {
          left.put(kind.kind(), count);
        }
      }
      if (left.isEmpty()) {
        return;
      }
      if (System.nanoTime() >= deadline) {
        Map<String, CrdKind> byKind = new LinkedHashMap<>();
        kinds.forEach(k -> byKind.put(k.kind(), k));
        String summary =
            left.entrySet().stream()
                .map(
                    e ->
                        "%s %d left (%s)"
                            .formatted(
                                e.getKey(),
                                e.getValue(),
                                firstNames(client, context, byKind.get(e.getKey()), e.getValue())))
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

  private static final int NAMED = 5;

  private static String firstNames(
      KubernetesClient client, String context, CrdKind kind, int count) {
    String names =
        CrdKinds.first(client, context, kind, NAMED).stream()
            .map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
            .collect(Collectors.joining(", "));
    return count > NAMED ? names + ", ..." : names;
  }
}
