package org.gloomeshupgrade.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker in a pod reaches its own cluster with the pod's service account, under a context name of
 * the operator's choosing, next to the kubeconfig's contexts. The pod is played by the system
 * properties fabric8 reads in place of the pod's variables and files.
 */
@EnableKubernetesMockClient(crud = true)
class InClusterContextTest {
  private static final List<String> POD_PROPERTIES =
      List.of(
          Config.KUBERNETES_SERVICE_HOST_PROPERTY,
          Config.KUBERNETES_SERVICE_PORT_PROPERTY,
          Config.KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN_FILE_SYSTEM_PROPERTY,
          Config.KUBERNETES_CA_CERTIFICATE_FILE_SYSTEM_PROPERTY,
          Config.KUBERNETES_TRUST_CERT_SYSTEM_PROPERTY,
          Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY);

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;
  private Path token;

  @BeforeEach
  void inAPod() throws Exception {
    URI api = URI.create(client.getConfiguration().getMasterUrl());
    token = dir.resolve("token");
    Files.writeString(token, "token-before-rotation");
    System.setProperty(Config.KUBERNETES_SERVICE_HOST_PROPERTY, api.getHost());
    System.setProperty(Config.KUBERNETES_SERVICE_PORT_PROPERTY, String.valueOf(api.getPort()));
    System.setProperty(
        Config.KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN_FILE_SYSTEM_PROPERTY, token.toString());
    System.setProperty(
        Config.KUBERNETES_CA_CERTIFICATE_FILE_SYSTEM_PROPERTY, dir.resolve("no-ca").toString());
    // the mock serves a self-signed certificate
    System.setProperty(Config.KUBERNETES_TRUST_CERT_SYSTEM_PROPERTY, "true");
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("gloo-mesh").endMetadata().build())
        .create();
  }

  @AfterEach
  void outOfThePod() {
    POD_PROPERTIES.forEach(System::clearProperty);
  }

  @Test
  void theInClusterContextUsesThePodsServiceAccountToken() throws Exception {
    try (KubernetesClients clients = new KubernetesClients(null, null, "mgmt")) {
      assertThat(clients.contexts()).containsExactly("mgmt");
      assertThat(clients.resolve("")).isEqualTo("mgmt");

      assertThat(clients.forContext("mgmt").namespaces().withName("gloo-mesh").get()).isNotNull();

      assertThat(lastRequest().getHeader("Authorization"))
          .isEqualTo("Bearer token-before-rotation");
    }
  }

  @Test
  void aRotatedTokenIsReadAgainWhenTheServerRefusesTheOldOne() throws Exception {
    try (KubernetesClients clients = new KubernetesClients(null, null, "mgmt")) {
      readsTheRotatedToken(clients.forContext("mgmt"));
    }
  }

  @Test
  void theClientForLongRequestsReadsTheRotatedTokenToo() throws Exception {
    try (KubernetesClients clients = new KubernetesClients(null, null, "mgmt")) {
      KubernetesClient patient = clients.forContext("mgmt", Duration.ofSeconds(60));
      readsTheRotatedToken(patient);
      assertThat(patient.getConfiguration().getRequestTimeout()).isEqualTo(60_000);
    }
  }

  /** Reads once, rotates the token as the kubelet does, and reads after the server refuses once. */
  private void readsTheRotatedToken(KubernetesClient client) throws Exception {
    assertThat(client.namespaces().withName("gloo-mesh").get()).isNotNull();

    Files.writeString(token, "token-after-rotation");
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/gloo-mesh")
        .andReturn(401, "{\"kind\":\"Status\",\"code\":401}")
        .once();

    assertThat(client.namespaces().withName("gloo-mesh").get()).isNotNull();
    assertThat(lastRequest().getHeader("Authorization")).isEqualTo("Bearer token-after-rotation");
  }

  @Test
  void kubeconfigContextsStayNextToTheInClusterOneWhichIsTheDefault() throws Exception {
    Path kubeconfig = MockKubeconfig.context("cluster-1", client).write(dir);
    try (KubernetesClients clients = new KubernetesClients(kubeconfig, null, "mgmt")) {
      assertThat(clients.contexts()).containsExactly("cluster-1", "mgmt");
      assertThat(clients.resolve(null)).isEqualTo("mgmt");
      assertThat(clients.resolve("cluster-1")).isEqualTo("cluster-1");
      assertThat(clients.kubeconfigFor("cluster-1")).isEqualTo(kubeconfig);
    }
    try (KubernetesClients clients = new KubernetesClients(kubeconfig, "cluster-1", "mgmt")) {
      assertThat(clients.resolve("")).as("--context wins").isEqualTo("cluster-1");
    }
  }

  @Test
  void toolsGetAKubeconfigNamingTheTokenFileNotTheToken() throws Exception {
    Path kubeconfig = MockKubeconfig.context("cluster-1", client).write(dir);
    try (KubernetesClients clients = new KubernetesClients(kubeconfig, null, "mgmt")) {
      Path forHelm = clients.kubeconfigFor("mgmt");
      String written = Files.readString(forHelm);

      assertThat(written).contains("tokenFile: \"" + token.toAbsolutePath() + "\"");
      assertThat(written).doesNotContain("token-before-rotation");
      assertThat(Files.getPosixFilePermissions(forHelm))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(clients.kubeconfigSearchPath())
          .isEqualTo(kubeconfig.toAbsolutePath() + File.pathSeparator + forHelm.toAbsolutePath());
      clients.close();
      assertThat(forHelm).doesNotExist();
    }
  }

  @Test
  void aKubeconfigContextOfTheSameNameIsRefused() {
    Path kubeconfig = MockKubeconfig.context("mgmt", client).write(dir);

    assertThatThrownBy(() -> new KubernetesClients(kubeconfig, null, "mgmt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in-cluster context \"mgmt\" is also a context of kubeconfig");
  }

  @Test
  void outsideAPodTheInClusterContextIsRefusedNamingWhatIsMissing() {
    assumeTrue(System.getenv("KUBERNETES_SERVICE_HOST") == null, "this test runs in a pod");
    System.clearProperty(Config.KUBERNETES_SERVICE_HOST_PROPERTY);

    assertThatThrownBy(() -> new KubernetesClients(null, null, "mgmt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KUBERNETES_SERVICE_HOST")
        .hasMessageContaining("is the worker running in a pod?");
  }

  @Test
  void aPodWhoseTokenIsNotMountedIsRefusedNamingTheSetting() throws Exception {
    Files.delete(token);

    assertThatThrownBy(() -> new KubernetesClients(null, null, "mgmt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service account token at " + token)
        .hasMessageContaining("automountServiceAccountToken: true");
  }

  @Test
  void withNeitherAKubeconfigNorAnInClusterContextTheWorkerHasNoClusters() {
    assertThatThrownBy(() -> new KubernetesClients(null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GMU_KUBECONFIG")
        .hasMessageContaining("GMU_IN_CLUSTER_CONTEXT");
  }

  private RecordedRequest lastRequest() throws InterruptedException {
    return server.getLastRequest();
  }
}
