package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulation on real kube-apiservers: seeded, controllers running, journal from the audit log,
 * RBAC on.
 */
class ApiServerBackendIT {

  private static SimulatedGlooMesh sim;

  @BeforeAll
  static void start() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    sim =
        SimulatedGlooMesh.builder()
            .backend(ClusterBackend.API_SERVER)
            .remoteClusters("cluster-1")
            .build();
  }

  @AfterAll
  static void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void servesTheSeededInstallationFromARealApiServer() {
    KubernetesClient mgmt = sim.client("mgmt");
    assertThat(mgmt.getKubernetesVersion().getGitVersion()).isEqualTo("v1.34.4");
    Deployment discovery =
        mgmt.apps().deployments().inNamespace("gloo-mesh").withName("discovery").get();
    assertThat(discovery.getStatus().getAvailableReplicas()).isEqualTo(1);
    assertThat(mgmt.pods().inNamespace("gloo-mesh").list().getItems())
        .anySatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"));
    assertThat(SimulatedResources.list(sim, mgmt, "Mesh")).isNotEmpty();
  }

  @Test
  void scalingADeploymentIsFollowedByItsPodsAndIsInTheJournal() throws Exception {
    Config config = new ConfigBuilder(sim.config("mgmt")).withUserAgent("journal-check").build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      client.apps().deployments().inNamespace("gloo-mesh").withName("networking").scale(0);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  client
                      .pods()
                      .inNamespace("gloo-mesh")
                      .withLabel("app", "networking")
                      .list()
                      .getItems()
                      .isEmpty());
    }
    assertThat(sim.journal("mgmt").replicaChanges("networking"))
        .anySatisfy(c -> assertThat(c.replicas()).isZero());
    assertThat(sim.journal("mgmt").fromClients())
        .allSatisfy(c -> assertThat(c.userAgent()).isEqualTo("journal-check"));
  }

  @Test
  void registrationTokensAreRealTokensOfTheRemoteCluster() throws Exception {
    Secret registration =
        sim.client("mgmt").secrets().inNamespace("gloo-mesh").withName("cluster-1").get();
    String kubeconfig =
        new String(
            Base64.getDecoder().decode(registration.getData().get("kubeconfig")),
            StandardCharsets.UTF_8);
    try (KubernetesClient remote =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig("cluster-1", kubeconfig, null))
            .build()) {
      assertThat(remote.namespaces().withName("gloo-mesh").get()).isNotNull();
    }
  }

  @Test
  void enforcesRbacForOtherIdentities() throws Exception {
    KubernetesClient mgmt = sim.client("mgmt");
    mgmt.serviceAccounts()
        .inNamespace("default")
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("nobody").endMetadata().build())
        .create();
    for (String remote : sim.remoteClusters()) {
      sim.client(remote)
          .serviceAccounts()
          .inNamespace("default")
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("nobody")
                  .endMetadata()
                  .build())
          .create();
    }
    var kubeconfig = sim.serviceAccountKubeconfig("default", "nobody");
    try (KubernetesClient nobody =
        new KubernetesClientBuilder()
            .withConfig(
                Config.fromKubeconfig("mgmt", Files.readString(kubeconfig), kubeconfig.toString()))
            .build()) {
      assertThatThrownBy(() -> nobody.apps().deployments().inNamespace("gloo-mesh").list())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
  }

  @Test
  void mockOnlyFeaturesSaySo() {
    assertThatThrownBy(() -> sim.faults("mgmt"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("MOCK");
    assertThatThrownBy(() -> sim.authorizer("mgmt"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("RBAC");
  }
}
