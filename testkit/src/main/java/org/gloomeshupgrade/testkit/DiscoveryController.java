package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Plays Gloo Mesh discovery: while the {@code discovery} Deployment runs (and has run for the
 * discovery delay), every registered cluster's Meshes, TrafficTargets and Workloads exist. The
 * kinds come from the installed discovery CRDs, so after a CRD upgrade it writes what the new CRDs
 * define.
 */
final class DiscoveryController {

  private final String namespace;
  private final Duration delay;
  private final int perCluster;
  private final AtomicBoolean paused;
  private long availableSince = -1;
  private boolean caughtUp;

  DiscoveryController(String namespace, Duration delay, int perCluster, AtomicBoolean paused) {
    this.namespace = namespace;
    this.delay = delay;
    this.perCluster = perCluster;
    this.paused = paused;
  }

  /**
   * True while discovery runs but has not caught up yet (delay not over, or paused): time alone can
   * change that.
   */
  boolean waiting() {
    return availableSince >= 0 && (paused.get() || !caughtUp);
  }

  void reconcile(KubernetesClient client, List<Deployment> deployments, List<InstalledKind> kinds) {
    Deployment discovery = ControllerSupport.find(deployments, namespace, "discovery");
    if (!DeploymentController.available(discovery)) {
      availableSince = -1;
      caughtUp = false;
      return;
    }
    long now = System.nanoTime();
    if (availableSince < 0) {
      availableSince = now;
    }
    if (paused.get() || now - availableSince < delay.toNanos()) {
      return;
    }
    List<String> clusters = registeredClusters(client, kinds);
    if (clusters.isEmpty()) {
      caughtUp = true;
      return;
    }
    for (InstalledKind kind : kinds) {
      if (!kind.group().equals(SimulatedVersions.DISCOVERY_GROUP) || !kind.namespaced()) {
        continue;
      }
      var resources = client.genericKubernetesResources(kind.context()).inNamespace(namespace);
      Set<String> existing =
          resources.list().getItems().stream()
              .map(r -> r.getMetadata().getName())
              .collect(Collectors.toCollection(HashSet::new));
      for (String cluster : clusters) {
        for (GenericKubernetesResource wanted :
            GlooMeshFixtures.discoveryResources(
                kind.apiVersion(), kind.kind(), namespace, cluster, perCluster)) {
          if (existing.add(wanted.getMetadata().getName())) {
            create(client, kind, wanted);
          }
        }
      }
    }
    caughtUp = true;
  }

  private List<String> registeredClusters(KubernetesClient client, List<InstalledKind> kinds) {
    return kinds.stream()
        .filter(
            k ->
                k.group().equals(SimulatedVersions.MULTICLUSTER_GROUP)
                    && k.kind().equals("KubernetesCluster"))
        .findFirst()
        .map(
            k ->
                client
                    .genericKubernetesResources(k.context())
                    .inNamespace(namespace)
                    .list()
                    .getItems()
                    .stream()
                    .filter(r -> r.getMetadata().getDeletionTimestamp() == null)
                    .map(r -> r.getMetadata().getName())
                    .sorted()
                    .toList())
        .orElse(List.of());
  }

  private void create(
      KubernetesClient client, InstalledKind kind, GenericKubernetesResource wanted) {
    try {
      GenericKubernetesResource created =
          client
              .genericKubernetesResources(kind.context())
              .inNamespace(namespace)
              .resource(wanted)
              .create();
      ControllerSupport.writeObservedGeneration(client, kind, created, null);
    } catch (KubernetesClientException e) {
      // Someone else created it between our list and our create: it exists, which is all we want.
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
