package org.gloomeshupgrade.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.junit.jupiter.api.Test;

/**
 * A collection delete that takes longer than one request may, on a real API server: the activity
 * sends it again while each leaves fewer behind, and the lists end empty.
 */
class DiscoveryDeleteOnApiServerIT {
  private static final int OBJECTS = 4_000;
  private static final ResourceDefinitionContext WORKLOADS =
      new ResourceDefinitionContext.Builder()
          .withGroup("discovery.mesh.gloo.solo.io")
          .withVersion("v1alpha2")
          .withKind("Workload")
          .withPlural("workloads")
          .withNamespaced(true)
          .build();

  @Test
  void aCollectionDeleteLongerThanOneRequestIsSentAgainUntilTheListsAreEmpty() throws Exception {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    try (SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder()
                .backend(ClusterBackend.API_SERVER)
                .remoteClusters()
                .discoveryPaused(true)
                .build();
        KubernetesClients clients = new KubernetesClients(sim.kubeconfig(), "mgmt")) {
      seed(sim.client("mgmt"));
      // Far shorter than deleting 4,000 objects takes, so the first request ends unanswered.
      DiscoveryActivitiesImpl activity =
          new DiscoveryActivitiesImpl(clients, Duration.ofSeconds(30), Duration.ofMillis(300));

      DiscoveryDeleteResult result = activity.deleteAll("mgmt");

      assertThat(result.deletedByKind()).containsEntry("Workload", OBJECTS);
      assertThat(result.collectionDeletes())
          .as("more requests than kinds and namespaces: the long delete was sent again")
          .isGreaterThan(result.deletedByKind().size());
      assertThat(activity.count("mgmt").byKind()).allSatisfy((kind, n) -> assertThat(n).isZero());
    }
  }

  private static void seed(KubernetesClient client) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int n = 0; n < OBJECTS; n++) {
      int i = n;
      pool.submit(
          () ->
              client
                  .genericKubernetesResources(WORKLOADS)
                  .inNamespace("gloo-mesh")
                  .resource(
                      new GenericKubernetesResourceBuilder()
                          .withApiVersion("discovery.mesh.gloo.solo.io/v1alpha2")
                          .withKind("Workload")
                          .withNewMetadata()
                          .withName("w-%05d".formatted(i))
                          .withNamespace("gloo-mesh")
                          .endMetadata()
                          .addToAdditionalProperties(
                              "spec", Map.of("kubernetes", Map.of("serviceAccountName", "sa")))
                          .build())
                  .create());
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
  }
}
