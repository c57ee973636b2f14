package org.gloomeshupgrade.discovery;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;

/**
 * Deleting discovery resources on the simulator: the activity's one collection delete per kind and
 * namespace, against deleting them one by one as a script looping over kubectl would. Run with
 * bench/discovery-delete.sh; prints one run's numbers.
 */
public final class DiscoveryDeleteBenchmark {
  private static final String NS = "gloo-mesh";
  private static final ResourceDefinitionContext WORKLOADS =
      new ResourceDefinitionContext.Builder()
          .withGroup("discovery.mesh.gloo.solo.io")
          .withVersion("v1alpha2")
          .withKind("Workload")
          .withPlural("workloads")
          .withNamespaced(true)
          .build();

  private DiscoveryDeleteBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    try (SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder().remoteClusters("cluster-1").discoveryPaused(true).build();
        KubernetesClients clients = new KubernetesClients(sim.kubeconfig(), "mgmt");
        // A client as a program would build it, so the journal counts its requests.
        KubernetesClient client =
            new KubernetesClientBuilder().withConfig(sim.config("mgmt")).build()) {
      DiscoveryActivitiesImpl activity = new DiscoveryActivitiesImpl(clients);

      seed(client, count);
      int before = sim.journal("mgmt").fromClients().size();
      long start = System.nanoTime();
      DiscoveryDeleteResult result = activity.deleteAll("mgmt");
      double collectionMs = (System.nanoTime() - start) / 1e6;
      int collectionRequests = sim.journal("mgmt").fromClients().size() - before;
      int deleted = result.deletedByKind().values().stream().mapToInt(Integer::intValue).sum();

      seed(client, count);
      before = sim.journal("mgmt").fromClients().size();
      start = System.nanoTime();
      List<GenericKubernetesResource> items =
          client.genericKubernetesResources(WORKLOADS).inNamespace(NS).list().getItems();
      for (GenericKubernetesResource r : items) {
        client
            .genericKubernetesResources(WORKLOADS)
            .inNamespace(NS)
            .withName(r.getMetadata().getName())
            .delete();
      }
      double oneByOneMs = (System.nanoTime() - start) / 1e6;
      int oneByOneRequests = sim.journal("mgmt").fromClients().size() - before;

      System.out.printf(
          Locale.ROOT, "discovery delete of %d workloads on the simulator (one run)%n", count);
      System.out.printf(
          Locale.ROOT,
          "  collection delete (the activity): %8.0f ms, %5d requests, %d deleted%n",
          collectionMs,
          collectionRequests,
          deleted);
      System.out.printf(
          Locale.ROOT,
          "  one by one:                       %8.0f ms, %5d requests, %d deleted%n",
          oneByOneMs,
          oneByOneRequests,
          items.size());
      System.out.printf(
          Locale.ROOT, "  ratio one by one / collection:    %8.1fx%n", oneByOneMs / collectionMs);
    }
  }

  private static void seed(KubernetesClient client, int count) {
    for (int i = 0; i < count; i++) {
      GenericKubernetesResource r =
          new GenericKubernetesResourceBuilder()
              .withApiVersion("discovery.mesh.gloo.solo.io/v1alpha2")
              .withKind("Workload")
              .withNewMetadata()
              .withName("bench-" + i)
              .withNamespace(NS)
              .addToLabels("cluster.discovery.mesh.gloo.solo.io", "cluster-1")
              .endMetadata()
              .addToAdditionalProperties(
                  "spec", Map.of("kubernetes", Map.of("serviceAccountName", "sa")))
              .build();
      client.genericKubernetesResources(WORKLOADS).inNamespace(NS).resource(r).create();
    }
  }
}
