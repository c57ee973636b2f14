package org.gloomeshupgrade.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
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
      DiscoveryDeleteBenchmark.seed(sim.client("mgmt"), OBJECTS);
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
}
