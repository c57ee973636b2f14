package org.gloomeshupgrade.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.MeteredClient;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reads of a large collection on a real API server: a count is one request of one object, a list
 * goes a page at a time, naming a few reads a few.
 */
class ListsAtScaleOnApiServerIT {
  private static final int OBJECTS = 1_234;

  private static SimulatedGlooMesh sim;
  private static MeteredClient metered;
  private static CrdKind workloads;

  @BeforeAll
  static void start() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    sim = SimulatedGlooMesh.builder().backend(ClusterBackend.API_SERVER).remoteClusters().build();
    KubernetesClient seeding = sim.client("mgmt");
    workloads =
        CrdKinds.ofGroups(seeding, "mgmt", List.of(GlooMeshGroups.DISCOVERY)).stream()
            .filter(k -> k.kind().equals("Workload"))
            .findFirst()
            .orElseThrow();
    for (int i = 0; i < OBJECTS; i++) {
      seeding
          .genericKubernetesResources(workloads.context())
          .inNamespace("gloo-mesh")
          .resource(
              new GenericKubernetesResourceBuilder()
                  .withApiVersion(workloads.group() + "/" + workloads.version())
                  .withKind("Workload")
                  .withNewMetadata()
                  .withName("w-%04d".formatted(i))
                  .withNamespace("gloo-mesh")
                  .endMetadata()
                  .withAdditionalProperties(Map.of("spec", Map.of("mesh", Map.of("name", "m"))))
                  .build())
          .create();
    }
    metered = new MeteredClient(sim.config("mgmt"));
  }

  @AfterAll
  static void stop() {
    if (metered != null) {
      metered.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @BeforeEach
  void resetMeter() {
    metered.reset();
  }

  private int seeded() {
    // The simulator's own discovery objects are there too.
    return CrdKinds.list(sim.client("mgmt"), "mgmt", workloads).size();
  }

  @Test
  void aCountIsOneRequestOfOneObject() {
    int all = seeded();
    metered.reset();

    assertThat(CrdKinds.count(metered.client(), "mgmt", workloads)).isEqualTo(all);

    assertThat(metered.requests()).singleElement().asString().contains("limit=1");
    long countBytes = metered.bytes();
    metered.reset();
    CrdKinds.list(metered.client(), "mgmt", workloads);
    assertThat(countBytes).as("a count against a list").isLessThan(metered.bytes() / 100);
  }

  @Test
  void aListGoesAPageAtATime() {
    int all = seeded();
    metered.reset();

    assertThat(CrdKinds.list(metered.client(), "mgmt", workloads)).hasSize(all);

    assertThat(metered.requests())
        .hasSize((int) Math.ceil(all / (double) CrdKinds.PAGE))
        .allMatch(r -> r.contains("limit=" + CrdKinds.PAGE));
    assertThat(metered.requests().subList(1, metered.requests().size()))
        .allMatch(r -> r.contains("continue="));
  }

  @Test
  void namingAFewReadsAFew() {
    assertThat(CrdKinds.first(metered.client(), "mgmt", workloads, 5)).hasSize(5);

    assertThat(metered.requests()).singleElement().asString().contains("limit=5");
    assertThat(metered.bytes()).isLessThan(10_000);
  }
}
