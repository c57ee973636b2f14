package org.gloomeshupgrade.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMetaBuilder;
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
  void aServerThatDoesNotSayHowManyRemainIsCountedAPageAtATime() {
    String path = "/apis/discovery.mesh.gloo.solo.io/v1alpha2/workloads";
    server.expect().get().withPath(path + "?limit=1").andReturn(200, page(1, "after-one")).once();
    server
        .expect()
        .get()
        .withPath(path + "?continue=after-one&limit=" + CrdKinds.PAGE)
        .andReturn(200, page(2, "after-three"))
        .once();
    server
        .expect()
        .get()
        .withPath(path + "?continue=after-three&limit=" + CrdKinds.PAGE)
        .andReturn(200, page(4, null))
        .once();

    assertThat(CrdKinds.count(client, "mgmt", workloads)).isEqualTo(7);
  }

  /** A list answer of {@code items} Workloads, with a continue token and no remainingItemCount. */
  private static GenericKubernetesResourceList page(int items, String token) {
    List<GenericKubernetesResource> workloads = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      workloads.add(
          new GenericKubernetesResourceBuilder()
              .withApiVersion(GlooMeshGroups.DISCOVERY + "/v1alpha2")
              .withKind("Workload")
              .withNewMetadata()
              .withName("page-" + i)
              .withNamespace("gloo-mesh")
              .endMetadata()
              .build());
    }
    GenericKubernetesResourceList list = new GenericKubernetesResourceList();
    list.setMetadata(new ListMetaBuilder().withContinue(token).build());
    list.setItems(workloads);
    return list;
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
