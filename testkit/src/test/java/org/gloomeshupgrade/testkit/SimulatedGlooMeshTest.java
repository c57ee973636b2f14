package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.gloomeshupgrade.testkit.SimulatedResources.assertAccepted;
import static org.gloomeshupgrade.testkit.SimulatedResources.list;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The state a simulation starts in, its kubeconfig, and the controllers every cluster runs; one
 * shared simulation.
 */
class SimulatedGlooMeshTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String NS = "gloo-mesh";

  private static SimulatedGlooMesh shared;
  private SimulatedGlooMesh sim;

  @BeforeAll
  static void startSharedSimulation() {
    shared = SimulatedGlooMesh.builder().glooMeshVersion("0.11.3").build();
  }

  @AfterAll
  static void closeSharedSimulation() {
    if (shared != null) {
      shared.close();
    }
  }

  @BeforeEach
  void useSharedSimulation() {
    sim = shared;
  }

  private SimulatedGlooMesh start(String version) {
    sim = SimulatedGlooMesh.builder().glooMeshVersion(version).build();
    return sim;
  }

  private void closeOwn() {
    if (sim != shared) {
      sim.close();
    }
    sim = shared;
  }

  static List<String> versions() {
    return SimulatedVersions.supported();
  }

  @ParameterizedTest
  @MethodSource("versions")
  void seedsTheManagementClusterOfEveryVersionWithEstablishedCrdsAndARunningControlPlane(
      String version) {
    start(version);
    try {
      assertRunningControlPlane(version);
    } finally {
      closeOwn();
    }
  }

  private void assertRunningControlPlane(String version) {
    KubernetesClient mgmt = sim.client("mgmt");

    List<CustomResourceDefinition> crds =
        mgmt.apiextensions().v1().customResourceDefinitions().list().getItems();
    assertThat(crds)
        .extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(
            SimulatedVersions.kinds(version).stream().map(SimulatedKind::crdName).toList());
    assertThat(crds)
        .allSatisfy(
            crd ->
                assertThat(crd.getStatus().getConditions())
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Established");
                          assertThat(c.getStatus()).isEqualTo("True");
                        }));
    assertThat(
            crds.stream()
                .anyMatch(
                    c -> c.getSpec().getGroup().equals(SimulatedVersions.OBSERVABILITY_GROUP)))
        .isEqualTo(version.equals("0.12.8"));

    for (String component : List.of("discovery", "networking")) {
      Deployment deployment = mgmt.apps().deployments().inNamespace(NS).withName(component).get();
      assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
      assertThat(deployment.getSpec().getSelector().getMatchLabels())
          .containsEntry("app", component);
      assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("gcr.io/gloo-mesh/" + component + ":" + version);
      assertThat(deployment.getStatus().getReplicas()).isEqualTo(1);
      assertThat(deployment.getStatus().getReadyReplicas()).isEqualTo(1);
      assertThat(deployment.getStatus().getAvailableReplicas()).isEqualTo(1);
      assertThat(deployment.getStatus().getObservedGeneration())
          .isEqualTo(deployment.getMetadata().getGeneration());
      List<Pod> pods = mgmt.pods().inNamespace(NS).withLabel("app", component).list().getItems();
      assertThat(pods).hasSize(1);
      assertThat(pods.get(0).getStatus().getPhase()).isEqualTo("Running");
    }
  }

  @Test
  void seedsSettingsWithIstioUnderDiscoveryFrom012() {
    start("0.12.0");
    try {
      GenericKubernetesResource settings = list(sim, sim.client("mgmt"), "Settings").get(0);
      assertThat(spec(settings)).containsKey("discovery").doesNotContainKey("istio");
    } finally {
      closeOwn();
    }
  }

  @Test
  void closeStopsTheServersAndRemovesTheFiles() {
    start("0.10.10");
    Path kubeconfig = sim.kubeconfig();
    Path chart = sim.chartFolder("0.11.3");
    closeOwn();
    assertThat(kubeconfig).doesNotExist();
    assertThat(chart).doesNotExist();
  }

  @Test
  void seedsDiscoveryNetworkingAndRegistrationResources() {
    KubernetesClient mgmt = sim.client("mgmt");

    assertThat(list(sim, mgmt, "Mesh")).hasSize(2);
    assertThat(list(sim, mgmt, "TrafficTarget")).hasSize(6);
    assertThat(list(sim, mgmt, "Workload"))
        .hasSize(6)
        .allSatisfy(
            w -> {
              assertThat(w.getMetadata().getNamespace()).isEqualTo(NS);
              assertThat(w.getMetadata().getLabels())
                  .containsEntry(GlooMeshFixtures.OWNER_LABEL, NS)
                  .containsKey(GlooMeshFixtures.CLUSTER_LABEL);
              assertThat(ControllerSupport.status(w).get("observedGeneration")).isEqualTo(1);
            });
    assertThat(list(sim, mgmt, "Workload"))
        .extracting(w -> w.getMetadata().getLabels().get(GlooMeshFixtures.CLUSTER_LABEL))
        .containsOnly("cluster-1", "cluster-2");

    for (String kind :
        List.of(
            "TrafficPolicy",
            "AccessPolicy",
            "VirtualMesh",
            "FailoverService",
            "WasmDeployment",
            "Settings")) {
      assertThat(list(sim, mgmt, kind))
          .as(kind)
          .isNotEmpty()
          .allSatisfy(r -> assertAccepted(sim, r));
    }
    assertThat(list(sim, mgmt, "TrafficPolicy"))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder(NS, GlooMeshFixtures.APP_NAMESPACE);
    assertThat(list(sim, mgmt, "Role")).hasSize(1);
    assertThat(list(sim, mgmt, "RoleBinding")).hasSize(1);
    GenericKubernetesResource settings = list(sim, mgmt, "Settings").get(0);
    assertThat(settings.getMetadata().getName()).isEqualTo("settings");
    assertThat(spec(settings)).containsKey("istio").doesNotContainKey("discovery");

    for (String cluster : sim.remoteClusters()) {
      Secret secret = mgmt.secrets().inNamespace(NS).withName(cluster).get();
      assertThat(secret.getType()).isEqualTo("solo.io/kubeconfig");
      String kubeconfig = decode(secret.getData().get("kubeconfig"));
      assertThat(kubeconfig).contains(sim.serverUrl(cluster));
      GenericKubernetesResource registered =
          mgmt.genericKubernetesResources("multicluster.solo.io/v1alpha1", "KubernetesCluster")
              .inNamespace(NS)
              .withName(cluster)
              .get();
      assertThat(spec(registered))
          .containsEntry("secretName", cluster)
          .containsEntry("clusterDomain", "cluster.local");

      KubernetesClient remote = sim.client(cluster);
      assertThat(remote.namespaces().withName(NS).get()).isNotNull();
      assertThat(remote.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
    }
  }

  @Test
  void deploymentStatusSurvivesAWholeObjectUpdateAsOnARealServer() {
    KubernetesClient mgmt = sim.client("mgmt");
    Deployment discovery = mgmt.apps().deployments().inNamespace(NS).withName("discovery").get();
    discovery.setStatus(null);
    discovery.getMetadata().getLabels().put("touched-by-test", "yes");
    mgmt.apps().deployments().inNamespace(NS).resource(discovery).update();

    Deployment after = mgmt.apps().deployments().inNamespace(NS).withName("discovery").get();
    assertThat(after.getMetadata().getLabels()).containsEntry("touched-by-test", "yes");
    assertThat(after.getStatus().getAvailableReplicas()).isEqualTo(1);
    assertThat(after.getMetadata().getGeneration()).isEqualTo(1);
  }

  @Test
  void tokenControllerFillsServiceAccountTokenSecretsInEveryCluster() {
    KubernetesClient remote = sim.client("cluster-1");
    remote
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("cluster-1-token")
                .withNamespace(NS)
                .addToAnnotations("kubernetes.io/service-account.name", "cluster-1")
                .endMetadata()
                .withType("kubernetes.io/service-account-token")
                .build())
        .create();
    remote
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("plain")
                .withNamespace(NS)
                .endMetadata()
                .withType("Opaque")
                .addToData("x", "eA==")
                .build())
        .create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Secret secret = remote.secrets().inNamespace(NS).withName("cluster-1-token").get();
              assertThat(secret.getData()).containsKeys("token", "ca.crt", "namespace");
              assertThat(decode(secret.getData().get("token"))).isNotBlank();
              assertThat(decode(secret.getData().get("ca.crt")))
                  .startsWith("-----BEGIN CERTIFICATE-----");
            });
    assertThat(remote.secrets().inNamespace(NS).withName("plain").get().getData())
        .containsOnlyKeys("x");
  }

  @Test
  void crdControllerEstablishesCrdsWrittenWithoutStatus() {
    KubernetesClient remote = sim.client("cluster-2");
    SimulatedKind kind = SimulatedVersions.requireKind("0.10.10", "Workload");
    remote
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(CrdManifests.v1Crd(kind))
        .create();
    remote
        .apiextensions()
        .v1beta1()
        .customResourceDefinitions()
        .resource(CrdManifests.v1beta1Crd(SimulatedVersions.requireKind("0.10.10", "Mesh")))
        .create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var v1 =
                  remote
                      .apiextensions()
                      .v1()
                      .customResourceDefinitions()
                      .withName(kind.crdName())
                      .get();
              assertThat(
                      CrdController.established(
                          v1.getStatus() == null ? null : v1.getStatus().getConditions()))
                  .isTrue();
              var v1beta1 =
                  remote
                      .apiextensions()
                      .v1beta1()
                      .customResourceDefinitions()
                      .withName("meshes.discovery.mesh.gloo.solo.io")
                      .get();
              assertThat(v1beta1.getStatus()).isNotNull();
              assertThat(v1beta1.getStatus().getConditions())
                  .anySatisfy(c -> assertThat(c.getType()).isEqualTo("Established"));
            });
    // Registered kinds can then be used by apiVersion and kind.
    remote
        .genericKubernetesResources(kind.apiVersion(), "Workload")
        .inNamespace(NS)
        .resource(
            GlooMeshFixtures.discoveryResources(kind.apiVersion(), "Workload", NS, "x", 1).get(0))
        .create();
    assertThat(
            remote
                .genericKubernetesResources(kind.apiVersion(), "Workload")
                .inNamespace(NS)
                .list()
                .getItems())
        .hasSize(1);
  }

  @Test
  void kubeconfigHasOneContextPerClusterAndEachReachesItsOwnServer() throws Exception {
    Path kubeconfig = sim.kubeconfig();
    String text = Files.readString(kubeconfig);

    Config current = Config.fromKubeconfig(null, text, kubeconfig.toString());
    assertThat(current.getCurrentContext().getName()).isEqualTo("mgmt");
    assertThat(current.getContexts())
        .extracting(NamedContext::getName)
        .containsExactlyInAnyOrder("mgmt", "cluster-1", "cluster-2");

    for (String cluster : sim.clusters()) {
      Config config = Config.fromKubeconfig(cluster, text, kubeconfig.toString());
      assertThat(config.getCurrentContext().getName()).isEqualTo(cluster);
      assertThat(config.getCurrentContext().getContext().getCluster()).isEqualTo(cluster);
      assertThat(config.getCurrentContext().getContext().getUser()).isEqualTo(cluster);
      // fabric8 keeps a kubeconfig token apart from one set explicitly.
      assertThat(config.getAutoOAuthToken()).startsWith("gmu-simulated-" + cluster + "-");
      Config fromSimulation = sim.config(cluster);
      assertThat(fromSimulation.getAutoOAuthToken()).isEqualTo(config.getAutoOAuthToken());
      assertThat(fromSimulation.getRequestRetryBackoffLimit()).isZero();
      assertThat(fromSimulation.getMasterUrl()).startsWith(sim.serverUrl(cluster));
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        boolean managementPlane =
            client.apps().deployments().inNamespace(NS).withName("networking").get() != null;
        assertThat(managementPlane).as(cluster).isEqualTo(cluster.equals("mgmt"));
      }
      assertThat(sim.journal(cluster).fromClients()).isNotEmpty();
    }
  }

  @Test
  void autoConfigureFindsEveryContextOfTheKubeconfig() {
    String previous = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, sim.kubeconfig().toString());
    try {
      Config config = Config.autoConfigure("cluster-2");
      assertThat(config.getCurrentContext().getName()).isEqualTo("cluster-2");
      assertThat(config.getMasterUrl()).startsWith(sim.serverUrl("cluster-2"));
    } finally {
      if (previous == null) {
        System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
      } else {
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, previous);
      }
    }
  }

  @Test
  void registrationSecretHoldsAKubeconfigThatReachesTheRemoteCluster() {
    Secret secret = sim.client("mgmt").secrets().inNamespace(NS).withName("cluster-2").get();
    String kubeconfig = decode(secret.getData().get("kubeconfig"));
    Config config = Config.fromKubeconfig("cluster-2", kubeconfig, null);
    assertThat(config.getCaCertData()).isNotBlank();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      assertThat(client.namespaces().withName(NS).get()).isNotNull();
    }
    assertThat(sim.journal("cluster-2").fromClients()).isNotEmpty();
  }

  @Test
  void namesUnknownClustersAndUnsupportedVersions() {
    assertThatThrownBy(() -> sim.client("nope"))
        .hasMessageContaining("nope")
        .hasMessageContaining("mgmt");
    assertThatThrownBy(() -> SimulatedGlooMesh.builder().glooMeshVersion("1.0.0"))
        .hasMessageContaining("1.0.0")
        .hasMessageContaining("0.12.8");
    assertThatThrownBy(() -> SimulatedGlooMesh.builder().remoteClusters("mgmt").build())
        .hasMessageContaining("mgmt");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
