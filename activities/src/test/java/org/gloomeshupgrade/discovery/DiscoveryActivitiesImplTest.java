package org.gloomeshupgrade.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.DISCOVERY;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.MULTICLUSTER;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.NETWORKING;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.SETTINGS;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MeshFixtures;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.kube.MockRequests;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class DiscoveryActivitiesImplTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path tmp;

  private KubernetesClients clients;
  private DiscoveryActivitiesImpl activities;
  private MeshFixtures mesh;

  @BeforeEach
  void setUp() {
    clients = MockKubeconfig.context("mgmt", client).clients(tmp);
    activities = new DiscoveryActivitiesImpl(clients, Duration.ofMillis(600));
    mesh = new MeshFixtures(client);
    mesh.glooMesh011Crds(null);
    mesh.resource(
        DISCOVERY,
        "v1alpha2",
        "Mesh",
        "istio-system",
        "istiod-cluster1",
        Map.of("istio", Map.of()));
    mesh.resource(DISCOVERY, "v1alpha2", "Mesh", "istio-system", "istiod-cluster2", Map.of());
    mesh.resource(DISCOVERY, "v1alpha2", "Mesh", "gloo-mesh", "istiod-mgmt", Map.of());
    mesh.resource(DISCOVERY, "v1alpha2", "Workload", "gloo-mesh", "reviews-v1", Map.of());
    mesh.resource(DISCOVERY, "v1alpha2", "Workload", "gloo-mesh", "reviews-v2", Map.of());
    mesh.resource(DISCOVERY, "v1alpha2", "Workload", "gloo-mesh", "ratings-v1", Map.of());
    mesh.resource(
        NETWORKING,
        "v1alpha2",
        "TrafficPolicy",
        "gloo-mesh",
        "retries",
        Map.of("retries", Map.of("attempts", 3)));
    mesh.resource(NETWORKING, "v1alpha2", "VirtualMesh", "gloo-mesh", "virtual-mesh", Map.of());
    mesh.resource(SETTINGS, "v1alpha2", "Settings", "gloo-mesh", "settings", Map.of());
    mesh.resource(
        MULTICLUSTER,
        "v1alpha1",
        "KubernetesCluster",
        "gloo-mesh",
        "cluster1",
        Map.of("secretName", "cluster1"));
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  @Test
  void deletesOnlyTheDiscoveryGroupWithOneCollectionDeletePerKindAndNamespace() throws Exception {
    List<GenericKubernetesResource> othersBefore = others();
    drainRequests();

    DiscoveryDeleteResult result = activities.deleteAll("mgmt");

    assertThat(result.deletedByKind())
        .containsExactlyInAnyOrderEntriesOf(Map.of("Mesh", 3, "TrafficTarget", 0, "Workload", 3));
    assertThat(result.collectionDeletes()).isEqualTo(3);
    List<String> deletes =
        drainRequests().stream()
            .filter(r -> r.getMethod().equals("DELETE"))
            .map(RecordedRequest::getPath)
            .toList();
    assertThat(deletes)
        .containsExactlyInAnyOrder(
            "/apis/discovery.mesh.gloo.solo.io/v1alpha2/namespaces/gloo-mesh/meshes",
            "/apis/discovery.mesh.gloo.solo.io/v1alpha2/namespaces/istio-system/meshes",
            "/apis/discovery.mesh.gloo.solo.io/v1alpha2/namespaces/gloo-mesh/workloads");
    assertThat(mesh.list(DISCOVERY, "v1alpha2", "Mesh")).isEmpty();
    assertThat(mesh.list(DISCOVERY, "v1alpha2", "Workload")).isEmpty();
    assertThat(others())
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyInAnyOrderElementsOf(othersBefore);
  }

  @Test
  void secondRunFindsNothingAndSendsNoDelete() throws Exception {
    activities.deleteAll("mgmt");
    drainRequests();

    DiscoveryDeleteResult again = activities.deleteAll("mgmt");

    assertThat(again.collectionDeletes()).isZero();
    assertThat(again.deletedByKind().values()).containsOnly(0);
    assertThat(drainRequests()).noneMatch(r -> r.getMethod().equals("DELETE"));
  }

  @Test
  void findsDiscoveryKindsFromTheInstalledCrdsNotAFixedList() {
    mesh.crd(DISCOVERY, "Destination", "v1");
    mesh.resource(DISCOVERY, "v1", "Destination", "gloo-mesh", "reviews", Map.of());

    assertThat(activities.count("mgmt").byKind()).containsEntry("Destination", 1);
    DiscoveryDeleteResult result = activities.deleteAll("mgmt");

    assertThat(result.deletedByKind()).containsEntry("Destination", 1);
    assertThat(mesh.list(DISCOVERY, "v1", "Destination")).isEmpty();
  }

  @Test
  void countsEachDiscoveryKindInAllNamespaces() {
    DiscoveryCounts counts = activities.count("mgmt");

    assertThat(counts.byKind())
        .containsExactlyInAnyOrderEntriesOf(Map.of("Mesh", 3, "TrafficTarget", 0, "Workload", 3));
    assertThat(counts.total()).isEqualTo(6);
  }

  @Test
  void failsRetryablyWhenResourcesAreStillThereAfterTheDeletes() {
    // A server that accepts the delete but keeps the objects,
    // like a finalizer or a running discovery would.
    server
        .expect()
        .delete()
        .withPath("/apis/discovery.mesh.gloo.solo.io/v1alpha2/namespaces/istio-system/meshes")
        .andReturn(200, new StatusBuilder().withStatus("Success").build())
        .always();

    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> activities.deleteAll("mgmt"));

    assertThat(failure.getType()).isEqualTo(FailureTypes.WAIT_TIMED_OUT);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage())
        .contains("Mesh 2 left", "istio-system/istiod-cluster1", "mgmt");
  }

  @Test
  void forbiddenDeleteIsNonRetryableAndNamesTheKind() {
    server
        .expect()
        .delete()
        .withPath("/apis/discovery.mesh.gloo.solo.io/v1alpha2/namespaces/gloo-mesh/workloads")
        .andReturn(
            403,
            new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage("workloads is forbidden: cannot deletecollection")
                .withStatus("Failure")
                .build())
        .always();

    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> activities.deleteAll("mgmt"));

    assertThat(failure.getType()).isEqualTo(FailureTypes.FORBIDDEN);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("Workload", "gloo-mesh", "deletecollection");
  }

  private List<GenericKubernetesResource> others() {
    List<GenericKubernetesResource> all = new ArrayList<>();
    all.addAll(mesh.list(NETWORKING, "v1alpha2", "TrafficPolicy"));
    all.addAll(mesh.list(NETWORKING, "v1alpha2", "VirtualMesh"));
    all.addAll(mesh.list(SETTINGS, "v1alpha2", "Settings"));
    all.addAll(mesh.list(MULTICLUSTER, "v1alpha1", "KubernetesCluster"));
    assertThat(all).hasSize(4);
    return all;
  }

  private List<RecordedRequest> drainRequests() throws InterruptedException {
    return MockRequests.drain(server);
  }
}
