package org.gloomeshupgrade.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.DISCOVERY;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.MULTICLUSTER;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.NETWORKING;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.NETWORKING_ENTERPRISE;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.SETTINGS;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.gloomeshupgrade.controlplane.FakeMeshctl;
import org.gloomeshupgrade.controlplane.MeshctlRunner;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MeshFixtures;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.request.InstallMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@EnableKubernetesMockClient(crud = true)
class VerifyActivitiesImplTest {
  private static final String NS = "gloo-mesh";

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path tmp;

  private KubernetesClients clients;
  private VerifyActivitiesImpl activities;
  private MeshFixtures mesh;
  private FakeMeshctl meshctl;

  @BeforeEach
  void setUp() {
    clients = MockKubeconfig.context("mgmt", client).clients(tmp);
    meshctl = FakeMeshctl.installIn(tmp.resolve("bin"));
    activities =
        new VerifyActivitiesImpl(
            clients,
            new MeshctlCheck(
                new MeshctlRunner(clients, meshctl.dir().toString(), Duration.ofSeconds(20)),
                Duration.ofSeconds(20)));
    mesh = new MeshFixtures(client);
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  @Test
  void allGreenWhenTheControlPlaneCrdsAndResourcesAreAtTheTarget() {
    mesh.glooMesh011Crds("0.11.3");
    deployment("discovery", "gcr.io/gloo-mesh/discovery:v0.11.3", 1);
    deployment("networking", "gcr.io/gloo-mesh/networking:0.11.3", 1);
    accepted(
        mesh.resource(NETWORKING, "v1alpha2", "TrafficPolicy", "bookinfo", "retries", Map.of()));
    accepted(mesh.resource(NETWORKING, "v1alpha2", "VirtualMesh", NS, "virtual-mesh", Map.of()));
    mesh.resource(DISCOVERY, "v1alpha2", "Mesh", "istio-system", "istiod", Map.of());
    registeredCluster("cluster1", true);

    VerifyReport report = activities.verify(input("v0.11.3"));

    assertThat(report.checks())
        .extracting(VerifyCheck::name)
        .containsExactly(
            "deployments available",
            "networking resources accepted",
            "CRDs at target version",
            "control plane version",
            "clusters registered",
            "discovery present");
    assertThat(report.checks())
        .allSatisfy(
            c -> {
              assertThat(c.level()).as(c.name() + ": " + c.detail()).isEqualTo(CheckLevel.GREEN);
              assertThat(c.hint()).isEmpty();
            });
    assertThat(report.overall()).isEqualTo(CheckLevel.GREEN);
  }

  @Test
  void networkingStatusListsEveryResourceNotAcceptedAtItsCurrentGeneration() {
    mesh.glooMesh011Crds(null);
    mesh.crd(NETWORKING_ENTERPRISE, "WasmDeployment", "v1alpha1");
    mesh.status(
        mesh.resource(NETWORKING, "v1alpha2", "TrafficPolicy", "bookinfo", "bad-retries", Map.of()),
        "INVALID",
        1L,
        List.of("retries.attempts must be positive"));
    GenericKubernetesResource stale =
        accepted(
            mesh.resource(
                NETWORKING,
                "v1alpha2",
                "VirtualMesh",
                NS,
                "virtual-mesh",
                Map.of("federation", "a")));
    stale.setAdditionalProperty("spec", Map.of("federation", "b"));
    client
        .genericKubernetesResources(MeshFixtures.context(NETWORKING, "v1alpha2", "VirtualMesh"))
        .resource(stale)
        .update();
    mesh.resource(NETWORKING, "v1alpha2", "AccessPolicy", "bookinfo", "no-status-yet", Map.of());
    accepted(
        mesh.resource(
            NETWORKING_ENTERPRISE, "v1alpha1", "WasmDeployment", "bookinfo", "filter", Map.of()));
    // Settings report a state too, but are not networking resources for this check.
    mesh.status(
        mesh.resource(SETTINGS, "v1alpha2", "Settings", NS, "settings", Map.of()),
        "INVALID",
        1L,
        null);

    NetworkingStatus status = activities.networkingStatus("mgmt");

    assertThat(status.total()).isEqualTo(4);
    assertThat(status.accepted()).isEqualTo(1);
    assertThat(status.steady()).isFalse();
    assertThat(status.notAccepted())
        .containsExactlyInAnyOrder(
            "TrafficPolicy bookinfo/bad-retries: INVALID (retries.attempts must be positive)",
            "VirtualMesh gloo-mesh/virtual-mesh: ACCEPTED at observedGeneration 1 but generation is 2 (not processed since its last change)",
            "AccessPolicy bookinfo/no-status-yet: NO STATUS");
  }

  @Test
  void manyPendingAreCountedAndOnlyTheFirstAreNamedEachLineCut() {
    mesh.glooMesh011Crds(null);
    String longError = "x".repeat(2_000);
    for (int i = 0; i < 130; i++) {
      GenericKubernetesResource tp =
          mesh.resource(NETWORKING, "v1alpha2", "TrafficPolicy", "bookinfo", "tp-" + i, Map.of());
      if (i < 10) {
        accepted(tp);
      } else {
        mesh.status(tp, "INVALID", 1L, List.of(longError));
      }
    }

    NetworkingStatus status = activities.networkingStatus("mgmt");

    assertThat(status.total()).isEqualTo(130);
    assertThat(status.accepted()).isEqualTo(10);
    assertThat(status.pending()).isEqualTo(120);
    assertThat(status.notAccepted()).hasSize(NetworkingStatus.MAX_LISTED);
    assertThat(status.notAccepted())
        .allMatch(line -> line.length() == NetworkingStatus.MAX_LINE && line.endsWith("..."));
    assertThat(status.describeNotAccepted()).endsWith("; and 70 more");
  }

  @Test
  void kindsWithoutAStateFieldAreAcceptedOnceObservedAtTheirGenerationWithoutAnError() {
    mesh.glooMesh011Crds(null);
    mesh.crd(NETWORKING_ENTERPRISE, "WasmDeployment", "v1alpha1");
    mesh.observed(
        mesh.resource(
            NETWORKING_ENTERPRISE, "v1alpha1", "WasmDeployment", "bookinfo", "good", Map.of()),
        1,
        null);
    mesh.observed(
        mesh.resource(
            NETWORKING_ENTERPRISE, "v1alpha1", "WasmDeployment", "bookinfo", "broken", Map.of()),
        1,
        "filter image not found");
    GenericKubernetesResource stale =
        mesh.observed(
            mesh.resource(
                NETWORKING_ENTERPRISE,
                "v1alpha1",
                "WasmDeployment",
                "bookinfo",
                "stale",
                Map.of("weight", 1)),
            1,
            null);
    stale.setAdditionalProperty("spec", Map.of("weight", 2));
    client
        .genericKubernetesResources(
            MeshFixtures.context(NETWORKING_ENTERPRISE, "v1alpha1", "WasmDeployment"))
        .resource(stale)
        .update();
    mesh.resource(
        NETWORKING_ENTERPRISE, "v1alpha1", "WasmDeployment", "bookinfo", "unseen", Map.of());

    NetworkingStatus status = activities.networkingStatus("mgmt");

    assertThat(status.total()).isEqualTo(4);
    assertThat(status.accepted()).isEqualTo(1);
    assertThat(status.notAccepted())
        .containsExactlyInAnyOrder(
            "WasmDeployment bookinfo/broken: error: filter image not found",
            "WasmDeployment bookinfo/stale: observedGeneration 1 but generation is 2 (not processed since its last change)",
            "WasmDeployment bookinfo/unseen: NO STATUS");
  }

  @Test
  void networkingStatusIsSteadyWhenThereIsNothingToAccept() {
    mesh.glooMesh011Crds(null);

    NetworkingStatus status = activities.networkingStatus("mgmt");

    assertThat(status).isEqualTo(new NetworkingStatus(0, 0, List.of()));
    assertThat(status.steady()).isTrue();
  }

  @Test
  void reportsEachProblemWithItsLevelAndAHint() {
    mesh.crd(DISCOVERY, "Mesh", "v1alpha2", null, "0.11.1");
    mesh.crd(NETWORKING, "TrafficPolicy", "v1alpha2", null, null);
    mesh.crd(MULTICLUSTER, "KubernetesCluster", "v1alpha1", null, "0.11.3");
    deployment("discovery", "gcr.io/gloo-mesh/discovery:0.11.3", 1);
    deployment("networking", "gcr.io/gloo-mesh/networking:0.11.1", 0);
    mesh.status(
        mesh.resource(NETWORKING, "v1alpha2", "TrafficPolicy", "bookinfo", "p", Map.of()),
        "FAILED",
        1L,
        List.of("no such destination"));
    registeredCluster("cluster1", true);
    registeredCluster("cluster2", false);

    Map<String, VerifyCheck> checks = byName(activities.verify(input("0.11.3")));

    assertThat(checks.get("deployments available").level()).isEqualTo(CheckLevel.RED);
    assertThat(checks.get("deployments available").detail())
        .contains("networking (0 available of 0)")
        .doesNotContain("discovery");
    assertThat(checks.get("networking resources accepted").level()).isEqualTo(CheckLevel.RED);
    assertThat(checks.get("networking resources accepted").detail())
        .contains("FAILED (no such destination)");
    assertThat(checks.get("CRDs at target version").level()).isEqualTo(CheckLevel.RED);
    assertThat(checks.get("CRDs at target version").detail())
        .contains(
            "meshes.discovery.mesh.gloo.solo.io at 0.11.1",
            "trafficpolicies.networking.mesh.gloo.solo.io");
    assertThat(checks.get("control plane version").level()).isEqualTo(CheckLevel.RED);
    assertThat(checks.get("control plane version").detail())
        .contains("networking runs gcr.io/gloo-mesh/networking:0.11.1")
        .doesNotContain("discovery runs");
    assertThat(checks.get("clusters registered").level()).isEqualTo(CheckLevel.RED);
    assertThat(checks.get("clusters registered").detail())
        .contains("cluster2 (secret gloo-mesh/cluster2 missing)")
        .doesNotContain("cluster1");
    assertThat(checks.get("discovery present").level()).isEqualTo(CheckLevel.YELLOW);
    assertThat(checks.values())
        .filteredOn(c -> c.level() != CheckLevel.GREEN)
        .allSatisfy(c -> assertThat(c.hint()).isNotBlank());
  }

  @Test
  void discoveryIsCompleteWhenEveryKindIsBackToItsCountBeforeTheUpgradeAndYellowWhenShort() {
    mesh.glooMesh011Crds("0.11.3");
    mesh.resource(DISCOVERY, "v1alpha2", "Mesh", "istio-system", "istiod", Map.of());
    mesh.resource(DISCOVERY, "v1alpha2", "Workload", NS, "reviews-v1", Map.of());

    VerifyCheck complete =
        byName(
                activities.verify(
                    new VerifyInput(
                        "mgmt", NS, "0.11.3", null, null, null, Map.of("Mesh", 1, "Workload", 1))))
            .get("discovery complete");
    VerifyCheck shortOfWorkloads =
        byName(
                activities.verify(
                    new VerifyInput(
                        "mgmt", NS, "0.11.3", null, null, null, Map.of("Mesh", 1, "Workload", 3))))
            .get("discovery complete");

    assertThat(complete.level()).isEqualTo(CheckLevel.GREEN);
    assertThat(shortOfWorkloads.level()).isEqualTo(CheckLevel.YELLOW);
    assertThat(shortOfWorkloads.detail())
        .startsWith("fewer than before the upgrade: {Workload=1 of 3}");
    assertThat(shortOfWorkloads.hint()).contains("discovery pod's logs");
  }

  @Test
  void crdsWithoutTheVersionAnnotationAreYellow() {
    mesh.crd(DISCOVERY, "Mesh", "v1alpha2", null, "0.11.3");
    mesh.crd(SETTINGS, "Settings", "v1alpha2", null, null);
    // a CRD of another project is not looked at
    mesh.crd("security.istio.io", "AuthorizationPolicy", "v1beta1", null, null);

    VerifyCheck crds = byName(activities.verify(input("0.11.3"))).get("CRDs at target version");

    assertThat(crds.level()).isEqualTo(CheckLevel.YELLOW);
    assertThat(crds.detail())
        .contains("settings.settings.mesh.gloo.solo.io")
        .doesNotContain("istio");
  }

  @Test
  void digestOnlyImagesAreNotTakenForTheTargetVersion() {
    mesh.glooMesh011Crds("0.11.3");
    deployment("discovery", "gcr.io/gloo-mesh/discovery@sha256:abcdef", 1);
    deployment("networking", "localhost:5000/networking", 1);

    VerifyCheck version = byName(activities.verify(input("0.11.3"))).get("control plane version");

    assertThat(version.level()).isEqualTo(CheckLevel.RED);
    assertThat(version.detail())
        .contains(
            "discovery runs gcr.io/gloo-mesh/discovery@sha256:abcdef",
            "networking runs localhost:5000/networking");
  }

  @Test
  void theControlPlaneDeploymentsAreTheOnesTheRequestNames() {
    mesh.glooMesh011Crds("0.11.3");
    deployment("enterprise-networking", "gcr.io/gloo-mesh/enterprise-networking:0.11.3", 1);
    deployment("networking", "gcr.io/gloo-mesh/networking:0.10.10", 1);

    VerifyCheck version =
        byName(
                activities.verify(
                    new VerifyInput(
                        "mgmt", NS, "0.11.3", List.of("enterprise-networking"), null, null, null)))
            .get("control plane version");

    assertThat(version.level()).isEqualTo(CheckLevel.GREEN);
    assertThat(version.detail()).isEqualTo("enterprise-networking run 0.11.3");
  }

  @Test
  void withMeshctlInstalledTheReportEndsWithMeshctlsOwnVerdict() {
    healthy011();

    VerifyReport report =
        activities.verify(
            new VerifyInput("mgmt", NS, "v0.11.3", null, InstallMethod.MESHCTL, "", null));

    assertThat(report.checks())
        .extracting(VerifyCheck::name)
        .endsWith("discovery present", "meshctl check");
    assertThat(report.checks().get(report.checks().size() - 1).level()).isEqualTo(CheckLevel.GREEN);
    assertThat(report.overall()).isEqualTo(CheckLevel.GREEN);
    assertThat(meshctl.calls())
        .containsExactly(
            List.of("version"), List.of("check", "--kubecontext", "mgmt", "--namespace", NS));
  }

  @Test
  void aFailedMeshctlCheckLineMakesTheReportRedThoughItsOwnChecksPass() {
    healthy011();
    meshctl.prints("check", "check-0.11-failed.out");

    VerifyReport report =
        activities.verify(
            new VerifyInput("mgmt", NS, "0.11.3", null, InstallMethod.MESHCTL, null, null));

    VerifyCheck meshctlCheck = byName(report).get("meshctl check");
    assertThat(meshctlCheck.level()).isEqualTo(CheckLevel.RED);
    assertThat(meshctlCheck.detail())
        .contains("❌ Gloo Mesh networking configuration resources are in a valid state");
    assertThat(report.checks())
        .filteredOn(c -> !c.name().equals("meshctl check"))
        .allSatisfy(c -> assertThat(c.level()).as(c.name()).isEqualTo(CheckLevel.GREEN));
    assertThat(report.overall()).isEqualTo(CheckLevel.RED);
  }

  @ParameterizedTest
  @EnumSource(
      value = InstallMethod.class,
      names = {"HELM", "MANIFESTS"})
  void otherInstallMethodsNeverCallMeshctl(InstallMethod method) {
    healthy011();

    VerifyReport report =
        activities.verify(new VerifyInput("mgmt", NS, "0.11.3", null, method, "", null));

    assertThat(report.checks()).extracting(VerifyCheck::name).doesNotContain("meshctl check");
    assertThat(meshctl.calls()).isEmpty();
  }

  @Test
  void anInputFromBeforeTheInstallMethodWasPassedRunsNoMeshctlCheck() {
    healthy011();

    // an input recorded before the install method (and preflight's inventory) existed
    VerifyReport report =
        activities.verify(new VerifyInput("mgmt", NS, "0.11.3", null, null, null, null));

    assertThat(report.checks()).extracting(VerifyCheck::name).doesNotContain("meshctl check");
    assertThat(meshctl.calls()).isEmpty();
  }

  @Test
  void theEndStateIsReadAsItIsForAResumedRunToJudge() {
    mesh.glooMesh011Crds("0.11.3");
    deployment("discovery", "gcr.io/gloo-mesh/discovery:0.11.3", 0);
    deployment("networking", "gcr.io/gloo-mesh/networking:0.11.1", 2);
    deployment("cert-manager", "quay.io/cert-manager:1.0", 1);
    mesh.status(
        mesh.resource(NETWORKING, "v1alpha2", "TrafficPolicy", "bookinfo", "p", Map.of()),
        "PENDING",
        1L,
        null);
    mesh.resource(DISCOVERY, "v1alpha2", "Workload", NS, "reviews-v1", Map.of());
    registeredCluster("cluster1", true);
    registeredCluster("cluster2", false);
    drainRequests();

    EndState seen =
        activities.observeEndState(
            new EndStateInput("mgmt", NS, "0.11.3", "discovery", "networking"));

    assertThat(seen.replicas())
        .containsExactly(Map.entry("discovery", 0), Map.entry("networking", 2));
    assertThat(seen.available())
        .containsExactly(Map.entry("discovery", 0), Map.entry("networking", 2));
    assertThat(seen.crds().level()).isEqualTo(CheckLevel.GREEN);
    assertThat(seen.controlPlane().level()).isEqualTo(CheckLevel.RED);
    assertThat(seen.controlPlane().detail())
        .contains("networking runs gcr.io/gloo-mesh/networking:0.11.1");
    assertThat(seen.registeredClusters())
        .as("only those whose secret holds a kubeconfig")
        .containsExactly("cluster1");
    assertThat(seen.discovery()).containsEntry("Workload", 1);
    assertThat(seen.discoveryTotal()).isEqualTo(1);
    assertThat(seen.networking().steady()).isFalse();
    assertThat(seen.networking().notAccepted())
        .singleElement()
        .asString()
        .startsWith("TrafficPolicy bookinfo/p");
    assertThat(drainRequests()).as("read-only").isNotEmpty().allMatch("GET"::equals);
  }

  /** The methods of the requests the mock server received since the last drain. */
  private List<String> drainRequests() {
    List<String> methods = new ArrayList<>();
    try {
      for (var r = server.takeRequest(10, TimeUnit.MILLISECONDS);
          r != null;
          r = server.takeRequest(10, TimeUnit.MILLISECONDS)) {
        methods.add(r.getMethod());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return methods;
  }

  /**
   * Verify {@code targetVersion} on mgmt: the default control-plane deployments, no meshctl check,
   * no inventory.
   */
  private static VerifyInput input(String targetVersion) {
    return new VerifyInput("mgmt", NS, targetVersion, null, null, null, null);
  }

  private void healthy011() {
    mesh.glooMesh011Crds("0.11.3");
    deployment("discovery", "gcr.io/gloo-mesh/discovery:0.11.3", 1);
    deployment("networking", "gcr.io/gloo-mesh/networking:0.11.3", 1);
    mesh.resource(DISCOVERY, "v1alpha2", "Mesh", "istio-system", "istiod", Map.of());
    registeredCluster("cluster1", true);
  }

  private GenericKubernetesResource accepted(GenericKubernetesResource r) {
    return mesh.status(r, "ACCEPTED", r.getMetadata().getGeneration(), null);
  }

  private void deployment(String name, String image, int available) {
    Deployment d =
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
                    .withReplicas(available)
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
    d.setStatus(
        new DeploymentStatusBuilder()
            .withAvailableReplicas(available)
            .withReplicas(available)
            .withObservedGeneration(d.getMetadata().getGeneration())
            .build());
    client.apps().deployments().resource(d).updateStatus();
  }

  private void registeredCluster(String name, boolean withSecret) {
    mesh.resource(
        MULTICLUSTER,
        "v1alpha1",
        "KubernetesCluster",
        NS,
        name,
        Map.of("secretName", name, "clusterDomain", "cluster.local"));
    if (withSecret) {
      client
          .secrets()
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(NS)
                  .endMetadata()
                  .withType("solo.io/kubeconfig")
                  .addToData("kubeconfig", "YXBpVmVyc2lvbjogdjE=")
                  .build())
          .create();
    }
  }

  private static Map<String, VerifyCheck> byName(VerifyReport report) {
    return report.checks().stream()
        .collect(Collectors.toMap(VerifyCheck::name, Function.identity()));
  }
}
