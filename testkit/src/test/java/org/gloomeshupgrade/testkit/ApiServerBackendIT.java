package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
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
 * The simulation on real kube-apiservers: seeded, Kubernetes' own controllers, scheduler and kwok's
 * kubelets running, journal from the audit log, RBAC on.
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
  void seededDeploymentsRunAsPodsOfTheirReplicaSetsOnFakeNodes() {
    KubernetesClient mgmt = sim.client("mgmt");
    // Discovery, as another test scales networking down.
    Deployment discovery =
        mgmt.apps().deployments().inNamespace("gloo-mesh").withName("discovery").get();
    ReplicaSet replicaSet =
        mgmt.apps().replicaSets().inNamespace("gloo-mesh").list().getItems().stream()
            .filter(rs -> controlledBy(rs.getMetadata(), discovery.getMetadata().getUid()))
            .findFirst()
            .orElseThrow();
    Pod pod =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    mgmt.pods().inNamespace("gloo-mesh").list().getItems().stream()
                        .filter(
                            p -> controlledBy(p.getMetadata(), replicaSet.getMetadata().getUid()))
                        .findFirst()
                        .orElse(null),
                p -> p != null && ready(p));
    assertThat(pod.getSpec().getNodeName()).startsWith("mgmt-node-");

    // The journal sees the pod's creation, by the ReplicaSet controller, under the name the server
    // generated, and does not count it as a client's request.
    assertThat(sim.journal("mgmt").podCreations("gloo-mesh", "discovery"))
        .anySatisfy(
            c -> {
              assertThat(c.name()).isEqualTo(pod.getMetadata().getName());
              assertThat(c.replicaSet()).isEqualTo(replicaSet.getMetadata().getName());
              assertThat(c.createdBy())
                  .isEqualTo("system:serviceaccount:kube-system:replicaset-controller");
            });
    assertThat(sim.journal("mgmt").fromClients())
        .noneSatisfy(c -> assertThat(c.path()).contains("/pods"));
  }

  @Test
  void aScaleUpIsFollowedByAPodOfTheDeploymentsReplicaSetAndADeleteCollectsBoth() {
    String namespace = "scale-check";
    KubernetesClient mgmt = sim.client("mgmt");
    mgmt.namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    Config config = new ConfigBuilder(sim.config("mgmt")).withUserAgent("journal-check").build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      client.apps().deployments().inNamespace(namespace).resource(web()).create();
      client.apps().deployments().inNamespace(namespace).withName("web").scale(1);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  client.pods().inNamespace(namespace).list().getItems().stream()
                      .anyMatch(ApiServerBackendIT::ready));
      ReplicaChange scaleUp = sim.journal("mgmt").replicaChanges(namespace, "web").get(0);
      assertThat(scaleUp.replicas()).isEqualTo(1);
      assertThat(sim.journal("mgmt").podCreations(namespace, "web"))
          .singleElement()
          .satisfies(c -> assertThat(c.sequence()).isGreaterThan(scaleUp.sequence()));

      // Owner references, not the test kit, remove the ReplicaSet and its pod.
      client.apps().deployments().inNamespace(namespace).withName("web").delete();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  client.apps().replicaSets().inNamespace(namespace).list().getItems().isEmpty()
                      && client.pods().inNamespace(namespace).list().getItems().isEmpty());
    }
    // The namespace controller empties and removes a deleted namespace.
    mgmt.namespaces().withName(namespace).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> mgmt.namespaces().withName(namespace).get() == null);
  }

  @Test
  void tokenSecretsGetATokenThatAuthenticatesAsTheirServiceAccount() throws Exception {
    KubernetesClient remote = sim.client("cluster-1");
    remote
        .serviceAccounts()
        .inNamespace("default")
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("registrar")
                .endMetadata()
                .build())
        .create();
    remote
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("registrar-token")
                .addToAnnotations("kubernetes.io/service-account.name", "registrar")
                .endMetadata()
                .withType("kubernetes.io/service-account-token")
                .build())
        .create();
    Secret filled =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> remote.secrets().inNamespace("default").withName("registrar-token").get(),
                s -> s.getData() != null && s.getData().containsKey("token"));
    String token =
        new String(
            Base64.getDecoder().decode(filled.getData().get("token")), StandardCharsets.UTF_8);
    Config asAccount = new ConfigBuilder(sim.config("cluster-1")).withOauthToken(token).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(asAccount).build()) {
      // 403, not 401: the server knows who this is and refuses it what RBAC does not grant.
      assertThatThrownBy(() -> client.secrets().inNamespace("kube-system").list())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403))
          .hasMessageContaining("system:serviceaccount:default:registrar");
    }
  }

  @Test
  void aQuotaOfZeroPodsRefusesTheReplicaSetControllersPodsOnceTheQuotaControllerCountedIt() {
    String namespace = "quota-check";
    KubernetesClient mgmt = sim.client("mgmt");
    mgmt.namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    mgmt.resourceQuotas()
        .inNamespace(namespace)
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("hold")
                .endMetadata()
                .withNewSpec()
                .addToHard("pods", new Quantity("0"))
                .endSpec()
                .build())
        .create();
    // Admission enforces a quota only once its status has the count.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              ResourceQuota quota =
                  mgmt.resourceQuotas().inNamespace(namespace).withName("hold").get();
              return quota.getStatus() != null
                  && quota.getStatus().getUsed() != null
                  && quota.getStatus().getUsed().containsKey("pods");
            });
    mgmt.apps().deployments().inNamespace(namespace).resource(web()).create();
    mgmt.apps().deployments().inNamespace(namespace).withName("web").scale(1);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !sim.journal("mgmt").refusedPodCreations(namespace, "web").isEmpty());
    assertThat(sim.journal("mgmt").refusedPodCreations(namespace, "web"))
        .allSatisfy(
            c ->
                assertThat(c.createdBy())
                    .isEqualTo("system:serviceaccount:kube-system:replicaset-controller"));
    assertThat(sim.journal("mgmt").podCreations(namespace, "web")).isEmpty();

    // Lifted, the ReplicaSet controller's next attempt makes the pod.
    mgmt.resourceQuotas().inNamespace(namespace).withName("hold").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !sim.journal("mgmt").podCreations(namespace, "web").isEmpty());
    mgmt.namespaces().withName(namespace).delete();
  }

  private static Deployment web() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("web")
        .endMetadata()
        .withNewSpec()
        .withReplicas(0)
        .withNewSelector()
        .addToMatchLabels("app", "web")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("web")
        .withImage("example.com/web:1")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static boolean controlledBy(ObjectMeta metadata, String ownerUid) {
    return metadata.getOwnerReferences() != null
        && metadata.getOwnerReferences().stream()
            .anyMatch(o -> ownerUid.equals(o.getUid()) && Boolean.TRUE.equals(o.getController()));
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Test
  void mockOnlyFeaturesSaySo() {
    assertThatThrownBy(() -> sim.faults("mgmt"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("MOCK")
        .hasMessageContaining("faultProxy()");
    assertThatThrownBy(() -> sim.authorizer("mgmt"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("RBAC");
  }
}
