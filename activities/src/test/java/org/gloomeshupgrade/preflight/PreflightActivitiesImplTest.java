package org.gloomeshupgrade.preflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.DISCOVERY;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.MULTICLUSTER;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.NETWORKING;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.gloomeshupgrade.deployments.ReplicasBeforeUpgrade;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MeshFixtures;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.kube.PodHolds;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRUD mock stores a SelfSubjectAccessReview and echoes it without a status; tests that need
 * answers register an expectation, which the mock serves before its CRUD handling.
 */
@EnableKubernetesMockClient(crud = true)
class PreflightActivitiesImplTest {
  private static final String NS = "gloo-mesh";
  private static final String SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path tmp;

  private final List<ResourceAttributes> asked = new CopyOnWriteArrayList<>();
  private KubernetesClients clients;
  private PreflightActivitiesImpl activities;
  private MeshFixtures mesh;

  @BeforeEach
  void setUp() {
    // every context reaches the same mock: remote clusters
    // differ only by the context they are named by
    clients =
        new MockKubeconfig()
            .with("mgmt", client)
            .with("cluster1", client)
            .with("cluster2-ctx", client)
            .clients(tmp);
    activities = new PreflightActivitiesImpl(clients);
    mesh = new MeshFixtures(client);
    mesh.glooMesh011Crds(null);
    deployment("discovery", "gcr.io/gloo-mesh/discovery:v0.11.1", 1);
    deployment("networking", "gcr.io/gloo-mesh/networking:0.11.1", 2);
    mesh.resource(DISCOVERY, "v1alpha2", "Mesh", "istio-system", "istiod-cluster1", Map.of());
    mesh.resource(DISCOVERY, "v1alpha2", "Mesh", "istio-system", "istiod-cluster2", Map.of());
    mesh.resource(DISCOVERY, "v1alpha2", "Workload", "bookinfo", "reviews-v1", Map.of());
    mesh.resource(NETWORKING, "v1alpha2", "TrafficPolicy", "bookinfo", "retries", Map.of());
    mesh.resource(
        MULTICLUSTER,
        "v1alpha1",
        "KubernetesCluster",
        NS,
        "cluster1",
        Map.of("secretName", "cluster1", "clusterDomain", "cluster.local"));
    mesh.resource(
        MULTICLUSTER,
        "v1alpha1",
        "KubernetesCluster",
        NS,
        "cluster2",
        Map.of("secretName", "cluster2-secret", "clusterDomain", "mesh.internal"));
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  @Test
  void reportsVersionReplicasDiscoveryInventoryAndClustersWithTheirContexts() {
    answerReviews(r -> true);

    PreflightReport report =
        activities.preflight(input(List.of(), Map.of("cluster2", "cluster2-ctx")));

    assertThat(report.context()).isEqualTo("mgmt");
    assertThat(report.kubernetesVersion()).isNotBlank().isNotEqualTo("unknown");
    assertThat(report.runningVersion()).isEqualTo("0.11.1");
    assertThat(report.deploymentVersions())
        .containsExactlyInAnyOrderEntriesOf(Map.of("discovery", "0.11.1", "networking", "0.11.1"));
    assertThat(report.originalReplicas())
        .containsExactlyInAnyOrderEntriesOf(Map.of("discovery", 1, "networking", 2));
    assertThat(report.discoveryInventory())
        .containsExactlyInAnyOrderEntriesOf(Map.of("Mesh", 2, "TrafficTarget", 0, "Workload", 1));
    assertThat(report.clusters())
        .containsExactly(
            new RegisteredCluster("cluster1", "cluster1", "cluster1", "cluster.local"),
            new RegisteredCluster("cluster2", "cluster2-ctx", "cluster2-secret", "mesh.internal"));
    assertThat(report.warnings()).isEmpty();

    assertThat(report.permissionsChecked()).isEqualTo(asked.size());
    assertThat(asked)
        .anySatisfy(
            a -> {
              assertThat(a.getVerb()).isEqualTo("deletecollection");
              assertThat(a.getGroup()).isEqualTo(DISCOVERY);
              assertThat(a.getResource()).isEqualTo("workloads");
              assertThat(a.getNamespace())
                  .as("deleted in the Gloo Mesh namespace only")
                  .isEqualTo(NS);
            });
    assertThat(asked)
        .anySatisfy(
            a -> {
              assertThat(a.getVerb()).isEqualTo("update");
              assertThat(a.getResource()).isEqualTo("deployments");
              assertThat(a.getSubresource()).isEqualTo("scale");
              assertThat(a.getNamespace()).isEqualTo(NS);
            });
    assertThat(asked)
        .anySatisfy(
            a -> {
              assertThat(a.getVerb()).isEqualTo("list");
              assertThat(a.getGroup()).isEqualTo(NETWORKING);
              assertThat(a.getResource()).isEqualTo("trafficpolicies");
            });
    // management: 17 fixed; 3 discovery kinds x 2; 5 user kinds x 2; two remote contexts x 13
    assertThat(asked).hasSize(17 + 6 + 10 + 26);
  }

  @Test
  void aDeploymentAnEarlierRunLeftAtZeroCountsWithTheReplicasThatRunRecorded() {
    answerReviews(r -> true);
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("networking")
        .edit(
            d -> {
              d.getSpec().setReplicas(0);
              d.getMetadata().setAnnotations(Map.of(ReplicasBeforeUpgrade.ANNOTATION, "2"));
              return d;
            });

    PreflightReport report =
        activities.preflight(input(List.of(), Map.of("cluster2", "cluster2-ctx")));

    assertThat(report.originalReplicas())
        .containsEntry("networking", 2)
        .containsEntry("discovery", 1);
    assertThat(report.warnings())
        .containsExactly(
            "deployment gloo-mesh/networking is at 0 replicas, left there by an earlier upgrade run"
                + " that did not scale it back; it recorded 2 replicas before it, so this run brings"
                + " it back to 2");
  }

  @Test
  void aRecordedCountOnADeploymentThatIsUpAgainIsIgnored() {
    answerReviews(r -> true);
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("networking")
        .edit(
            d -> {
              d.getMetadata().setAnnotations(Map.of(ReplicasBeforeUpgrade.ANNOTATION, "5"));
              return d;
            });

    PreflightReport report =
        activities.preflight(input(List.of(), Map.of("cluster2", "cluster2-ctx")));

    assertThat(report.originalReplicas()).containsEntry("networking", 2);
    assertThat(report.warnings()).isEmpty();
  }

  @Test
  void collectsEveryDeniedPermissionAndFailsOnceNamingEach() {
    answerReviews(
        r ->
            !(r.getVerb().equals("deletecollection") && r.getResource().equals("meshes"))
                && !(r.getVerb().equals("update") && "scale".equals(r.getSubresource()))
                && !(r.getVerb().equals("create") && r.getResource().equals("clusterroles")));

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.preflight(input(List.of("cluster1"), Map.of())));

    assertThat(failure.getType()).isEqualTo(FailureTypes.MISSING_PERMISSIONS);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .contains("lacks 3 permission(s)")
        .contains("deletecollection discovery.mesh.gloo.solo.io/meshes in gloo-mesh on mgmt")
        .contains("update apps/deployments/scale in gloo-mesh on mgmt")
        .contains("create rbac.authorization.k8s.io/clusterroles cluster-wide on cluster1")
        .doesNotContain("on cluster2-ctx");
  }

  @Test
  void withAgentChartsTheirPermissionsOnEachRemoteAreCheckedToo() {
    // Only the agent charts ask these: the management
    // cluster's own checks never create or delete deployments.
    answerReviews(
        r ->
            !(r.getVerb().equals("create") && r.getResource().equals("deployments"))
                && !(r.getVerb().equals("delete") && r.getResource().equals("deployments")));

    PreflightReport without =
        activities.preflight(
            new PreflightInput(
                "mgmt", NS, "discovery", "networking", List.of("cluster1"), Map.of(), NS, null));
    ApplicationFailure applied =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.preflight(
                    new PreflightInput(
                        "mgmt",
                        NS,
                        "discovery",
                        "networking",
                        List.of("cluster1"),
                        Map.of(),
                        NS,
                        InstallMethod.MANIFESTS)));
    ApplicationFailure helm =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.preflight(
                    new PreflightInput(
                        "mgmt",
                        NS,
                        "discovery",
                        "networking",
                        List.of("cluster1"),
                        Map.of(),
                        NS,
                        InstallMethod.HELM)));

    assertThat(without.permissionsChecked())
        .as("without agent charts neither is asked")
        .isEqualTo(17 + 6 + 10 + 13);
    assertThat(applied.getOriginalMessage())
        .contains("lacks 1 permission(s)")
        .contains("create apps/deployments in gloo-mesh on cluster1");
    assertThat(helm.getOriginalMessage())
        .contains("lacks 2 permission(s)")
        .contains("delete apps/deployments in gloo-mesh on cluster1");
  }

  @Test
  void agentChartsAddTheirCrdDeploymentAndServiceAccountPermissionsPerRemote() {
    answerReviews(r -> true);

    PreflightReport applied =
        activities.preflight(
            new PreflightInput(
                "mgmt",
                NS,
                "discovery",
                "networking",
                List.of("cluster1"),
                Map.of(),
                NS,
                InstallMethod.MANIFESTS));
    PreflightReport helm =
        activities.preflight(
            new PreflightInput(
                "mgmt",
                NS,
                "discovery",
                "networking",
                List.of("cluster1"),
                Map.of(),
                NS,
                InstallMethod.HELM));

    // CRDs create, get, update; deployments create, get, update (Helm:
    // patch and delete instead of update); service accounts update (Helm:
    // patch and delete), create and get being asked for registration already.
    assertThat(applied.permissionsChecked()).isEqualTo(17 + 6 + 10 + 13 + 3 + 3 + 1);
    assertThat(helm.permissionsChecked()).isEqualTo(17 + 6 + 10 + 13 + 3 + 4 + 2);
  }

  @Test
  void reviewsWithoutAnAnswerAreAWarningNotAPass() {
    // A server that takes the review but fills in no status.
    server
        .expect()
        .post()
        .withPath(SSAR_PATH)
        .andReply(
            201,
            request ->
                Serialization.unmarshal(
                    request.getBody().readUtf8(), SelfSubjectAccessReview.class))
        .always();

    PreflightReport report = activities.preflight(input(List.of("cluster1"), Map.of()));

    assertThat(report.permissionsChecked()).isEqualTo(17 + 6 + 10 + 13);
    assertThat(report.warnings())
        .containsExactly(
            "13 of 13 permission reviews on cluster1 came back without an answer (no status): those permissions are "
                + "unconfirmed, and a missing one will stop the step that needs it",
            "33 of 33 permission reviews on mgmt came back without an answer (no status): those permissions are "
                + "unconfirmed, and a missing one will stop the step that needs it");
  }

  @Test
  void reviewsOnlyTheListedClusters() {
    answerReviews(r -> true);

    PreflightReport report =
        activities.preflight(input(List.of("cluster2"), Map.of("cluster2", "cluster2-ctx")));

    assertThat(report.clusters()).extracting(RegisteredCluster::name).containsExactly("cluster2");
    assertThat(report.permissionsChecked()).isEqualTo(17 + 6 + 10 + 13);
  }

  @Test
  void refusesAListedClusterThatIsNotRegistered() {
    answerReviews(r -> true);

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.preflight(input(List.of("cluster1", "cluster9"), Map.of())));

    assertThat(failure.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .contains("[cluster9]", "registered: [cluster1, cluster2]");
  }

  @Test
  void refusesAClusterWhoseContextTheWorkerLacksNamingClusterAndContext() {
    answerReviews(r -> true);

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.preflight(input(List.of(), Map.of())));

    assertThat(failure.getType()).isEqualTo(FailureTypes.UNKNOWN_CONTEXT);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .contains("cluster cluster2 -> context \"cluster2\"")
        .doesNotContain("cluster cluster1");
  }

  @Test
  void refusesAManagementContextTheWorkerLacks() {
    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.preflight(
                    new PreflightInput(
                        "prod", NS, "discovery", "networking", List.of(), Map.of(), NS, null)));

    assertThat(failure.getType()).isEqualTo(FailureTypes.UNKNOWN_CONTEXT);
    assertThat(failure.getOriginalMessage()).contains("\"prod\"");
  }

  @Test
  void aMissingDeploymentIsNonRetryableNotFoundNamingIt() {
    answerReviews(r -> true);

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.preflight(
                    new PreflightInput(
                        "",
                        NS,
                        "discovery",
                        "enterprise-networking",
                        List.of("cluster1"),
                        Map.of(),
                        NS,
                        null)));

    assertThat(failure.getType()).isEqualTo(FailureTypes.NOT_FOUND);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .contains("gloo-mesh/enterprise-networking", "mgmt")
        .doesNotContain("gloo-mesh/discovery");
  }

  @Test
  void takesTheOldestVersionAndWarnsWhenTheDeploymentsDisagreeOrHaveNoTag() {
    answerReviews(r -> true);
    client.apps().deployments().inNamespace(NS).withName("networking").delete();
    client.apps().deployments().inNamespace(NS).withName("discovery").delete();
    deployment("discovery", "gcr.io/gloo-mesh/discovery:0.11.3", 1);
    deployment("networking", "gcr.io/gloo-mesh/networking:0.10.8", 1);
    deployment("extra", "registry.local:5000/gloo-mesh/extra@sha256:0123abcd", 1);

    PreflightReport report =
        activities.preflight(
            new PreflightInput(
                "mgmt", NS, "discovery", "networking", List.of("cluster1"), Map.of(), NS, null));
    PreflightReport digest =
        activities.preflight(
            new PreflightInput(
                "mgmt", NS, "extra", "extra", List.of("cluster1"), Map.of(), NS, null));

    assertThat(report.runningVersion()).isEqualTo("0.10.8");
    assertThat(report.warnings())
        .singleElement()
        .asString()
        .contains("different versions", "0.10.8");
    assertThat(digest.deploymentVersions()).containsExactlyEntriesOf(Map.of("extra", "unknown"));
    assertThat(digest.runningVersion()).isEqualTo("unknown");
    assertThat(digest.warnings())
        .anySatisfy(w -> assertThat(w).contains("without a version tag", "sha256"));
  }

  @Test
  void aServerThatDoesNotTellItsVersionIsAWarning() {
    answerReviews(r -> true);
    // the mock answers /version from an expectation of its own: drop it
    server.clearExpectations();
    answerReviews(r -> true);
    server
        .expect()
        .get()
        .withPath("/version")
        .andReturn(500, new StatusBuilder().withCode(500).build())
        .always();

    PreflightReport report = activities.preflight(input(List.of("cluster1"), Map.of()));

    assertThat(report.kubernetesVersion()).isEqualTo("unknown");
    assertThat(report.warnings()).singleElement().asString().contains("Kubernetes version");
  }

  @Test
  void aPodHoldLeftByAnEarlierRunIsAWarningThatSaysHowToLiftIt() {
    answerReviews(r -> true);
    PodHolds.leftBehind(client, NS, 0);

    PreflightReport report = activities.preflight(input(List.of("cluster1"), Map.of()));

    assertThat(report.warnings())
        .singleElement()
        .asString()
        .contains("pod hold " + NS + "/gloo-mesh-upgrade-pod-hold is in place")
        .contains("kubectl delete resourcequota gloo-mesh-upgrade-pod-hold -n " + NS);
  }

  @Test
  void versionsOrderNumericallyWithPreReleasesFirst() {
    List<String> versions =
        new ArrayList<>(
            List.of("1.0.0", "0.11.3", "1.0.0-beta10", "0.10.10", "1.0.0-beta7", "0.10.8"));
    versions.sort(PreflightActivitiesImpl.VERSION_ORDER);

    assertThat(versions)
        .containsExactly("0.10.8", "0.10.10", "0.11.3", "1.0.0-beta7", "1.0.0-beta10", "1.0.0");
  }

  @Test
  void aLeadingVIsNotPartOfTheVersionAndTagsThatAreNotVersionsComeFirstByTheirText() {
    List<String> versions =
        new ArrayList<>(
            List.of("V1.0.0", "0.11.3", "main", "v0.10.10", "latest", "0.10.8", "v0.11.3"));
    versions.sort(PreflightActivitiesImpl.VERSION_ORDER);

    assertThat(versions)
        .containsExactly("latest", "main", "0.10.8", "v0.10.10", "0.11.3", "v0.11.3", "V1.0.0");
    assertThat(PreflightActivitiesImpl.VERSION_ORDER.compare("v0.11.3", "v0.11.3")).isZero();
  }

  @Test
  void aTagThatIsNotAVersionIsTakenAsTheRunningVersionBesideOneThatIs() {
    answerReviews(r -> true);
    client.apps().deployments().inNamespace(NS).withName("networking").delete();
    client.apps().deployments().inNamespace(NS).withName("discovery").delete();
    deployment("discovery", "gcr.io/gloo-mesh/discovery:v0.11.3", 1);
    deployment("networking", "gcr.io/gloo-mesh/networking:latest", 1);

    PreflightReport report = activities.preflight(input(List.of("cluster1"), Map.of()));

    assertThat(report.deploymentVersions())
        .containsExactlyInAnyOrderEntriesOf(Map.of("discovery", "0.11.3", "networking", "latest"));
    assertThat(report.runningVersion()).isEqualTo("latest");
    assertThat(report.warnings())
        .singleElement()
        .asString()
        .contains("different versions", "taking the oldest, latest");
  }

  private PreflightInput input(List<String> clusters, Map<String, String> contexts) {
    return new PreflightInput("mgmt", NS, "discovery", "networking", clusters, contexts, NS, null);
  }

  /**
   * Answers every review: allowed when the predicate holds for its resource attributes. Records
   * what was asked.
   */
  private void answerReviews(Predicate<ResourceAttributes> allowed) {
    server
        .expect()
        .post()
        .withPath(SSAR_PATH)
        .andReply(
            201,
            request -> {
              SelfSubjectAccessReview review =
                  Serialization.unmarshal(
                      request.getBody().readUtf8(), SelfSubjectAccessReview.class);
              asked.add(review.getSpec().getResourceAttributes());
              boolean yes = allowed.test(review.getSpec().getResourceAttributes());
              review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(yes).build());
              return review;
            })
        .always();
  }

  private void deployment(String name, String image, int replicas) {
    client
        .apps()
        .deployments()
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(name)
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }
}
