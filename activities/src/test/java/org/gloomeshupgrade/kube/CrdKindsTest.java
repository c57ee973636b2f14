package org.gloomeshupgrade.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lists and counts over the mock API server, which answers the whole collection whatever the limit:
 * the code must still count and list right. ListsAtScaleOnApiServerIT holds the paging itself on a
 * real API server.
 */
@EnableKubernetesMockClient(crud = true)
class CrdKindsTest {
  KubernetesMockServer server;
  KubernetesClient client;
  private CrdKind workloads;

  @BeforeEach
  void setUp() {
    MeshFixtures mesh = new MeshFixtures(client);
    workloads = CrdKind.of(mesh.crd(GlooMeshGroups.DISCOVERY, "Workload", "v1alpha2"));
    for (int i = 0; i < 1_234; i++) {
      mesh.resource(
          GlooMeshGroups.DISCOVERY,
          "v1alpha2",
          "Workload",
          i % 2 == 0 ? "gloo-mesh" : "other",
          "w-" + i,
          Map.of("n", i));
    }
  }

  @Test
  void countsListsAndNamesAFewOfAKind() {
    assertThat(CrdKinds.count(client, "mgmt", workloads)).isEqualTo(1_234);
    assertThat(CrdKinds.count(client, "mgmt", List.of(workloads)))
        .isEqualTo(Map.of("Workload", 1_234));
    assertThat(CrdKinds.list(client, "mgmt", workloads)).hasSize(1_234);
    List<GenericKubernetesResource> seen = new ArrayList<>();
    CrdKinds.forEach(client, "mgmt", workloads, seen::add);
    assertThat(seen).hasSize(1_234);
    assertThat(CrdKinds.first(client, "mgmt", workloads, 5)).hasSize(5);
  }
}
