package org.gloomeshupgrade.discovery;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;

/**
 * Deleting discovery resources on the simulator: the activity's one collection delete per kind and
 * namespace, against deleting them one by one as a script looping over kubectl would. Run with
 * bench/discovery-delete.sh; prints one run's numbers.
 */
public final class DiscoveryDeleteBenchmark {
  private static final String NS = "gloo-mesh";
  static final ResourceDefinitionContext WORKLOADS =
      new ResourceDefinitionContext.Builder()
          .withGroup("discovery.mesh.gloo.solo.io")
          .withVersion("v1alpha2")
          .withKind("Workload")
          .withPlural("workloads")
          .withNamespaced(true)
          .build();

  private DiscoveryDeleteBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<Integer> counts =
        args.length > 0
            ? Arrays.stream(args[0].split(",")).map(String::trim).map(Integer::parseInt).toList()
            : List.of(5000);
    ClusterBackend backend =
        args.length > 1 ? ClusterBackend.valueOf(args[1]) : ClusterBackend.MOCK;
    List<String> rows = new ArrayList<>();
    for (int count : counts) {
      rows.add(run(count, backend));
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT, "discovery delete on the simulator (%s), one run each%n", backend);
    System.out.println(
        "| workloads | collection delete (the activity) | one by one | ratio one by one / collection |");
    System.out.println("|---|---|---|---|");
    rows.forEach(System.out::println);
    System.exit(0);
  }

  private static String run(int count, ClusterBackend backend) throws Exception {
    try (SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder()
                .backend(backend)
                .remoteClusters("cluster-1")
                .discoveryPaused(true)
                .build();
        KubernetesClients clients = new KubernetesClients(sim.kubeconfig(), "mgmt");
        // A client as a program would build it, so the journal counts its requests.
        KubernetesClient client =
            new KubernetesClientBuilder().withConfig(sim.config("mgmt")).build()) {
      DiscoveryActivitiesImpl activity =
          new DiscoveryActivitiesImpl(clients, Duration.ofMinutes(10));

      seed(client, count);
      int before = recorded(sim);
      long start = System.nanoTime();
      DiscoveryDeleteResult result = activity.deleteAll("mgmt");
      double collectionMs = (System.nanoTime() - start) / 1e6;
      int collectionRequests = recorded(sim) - before;
      int deleted = result.deletedByKind().values().stream().mapToInt(Integer::intValue).sum();

      seed(client, count);
      before = recorded(sim);
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
      int oneByOneRequests = recorded(sim) - before;
      String row =
          String.format(
              Locale.ROOT,
              "| %,d | %,.0f ms, %,d requests, %,d deleted | %,.0f ms, %,d requests, %,d deleted | %.1fx |",
              count,
              collectionMs,
              collectionRequests,
              deleted,
              oneByOneMs,
              oneByOneRequests,
              items.size(),
              oneByOneMs / collectionMs);
      System.out.println(row);
      return row;
    }
  }

  /**
   * The client requests the API server recorded, once its audit log stops growing: it writes each
   * event after the response, so the last request can be missing from a read made at once.
   */
  private static int recorded(SimulatedGlooMesh sim) throws InterruptedException {
    int seen = sim.journal("mgmt").fromClients().size();
    while (true) {
      Thread.sleep(500);
      int now = sim.journal("mgmt").fromClients().size();
      if (now == seen) {
        return now;
      }
      seen = now;
    }
  }

  /** In parallel: the seeding is not what is measured. */
  static void seed(KubernetesClient client, int count) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int n = 0; n < count; n++) {
      int i = n;
      pool.submit(() -> create(client, i));
    }
    pool.shutdown();
    if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
      throw new IllegalStateException("seeding did not finish in 30 minutes");
    }
  }

  private static void create(KubernetesClient client, int i) {
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
