package org.gloomeshupgrade.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class RenderedManifestInstallerTest {
  static final String NAMESPACE = "gloo-mesh";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ResourceDefinitionContext SETTINGS =
      new ResourceDefinitionContext.Builder()
          .withGroup("settings.mesh.gloo.solo.io")
          .withVersion("v1alpha2")
          .withKind("Settings")
          .withPlural("settings")
          .withNamespaced(true)
          .build();

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path tmp;
  private KubernetesClients clients;
  private RenderedManifestInstaller installer;

  @BeforeEach
  void setUp() {
    clients = MockKubeconfig.context("mgmt", client).clients(tmp);
    installer = new RenderedManifestInstaller(clients, new ChartResolver());
    TestChart.registerSettingsCrd(client);
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  @Test
  void upgradesImagesAndNeverRaisesTheReplicasOfDiscoveryOrNetworking() throws Exception {
    seedDeployment("discovery", "0.11.2", 0);
    seedDeployment("networking", "0.11.2", 0);
    drainRequests();

    InstallOutcome first = installer.upgrade(TestChart.spec());
    assertThat(first.applied())
        .containsExactly(
            "ServiceAccount gloo-mesh/discovery",
            "ServiceAccount gloo-mesh/networking",
            "Deployment gloo-mesh/discovery",
            "Deployment gloo-mesh/networking",
            "Settings gloo-mesh/settings");
    assertThat(first.output())
        .contains(
            "Deployment gloo-mesh/networking updated: replace "
                + "/spec/template/spec/containers/0/image: \"gcr.io/gloo-mesh/networking:0.11.2\" -> "
                + "\"gcr.io/gloo-mesh/networking:0.11.3\"",
            "(replicas kept at 0)",
            "Settings gloo-mesh/settings created");
    assertThat(first.revisionBefore()).isZero();
    assertDeployment("discovery", "gcr.io/gloo-mesh/discovery:0.11.3", 0);
    assertDeployment("networking", "gcr.io/gloo-mesh/networking:0.11.3", 0);
    GenericKubernetesResource settings =
        client
            .genericKubernetesResources(SETTINGS)
            .inNamespace(NAMESPACE)
            .withName("settings")
            .get();
    assertThat(settings.<String>get("spec", "mtls", "istio", "tlsMode")).isEqualTo("ISTIO_MUTUAL");

    InstallOutcome second = installer.upgrade(TestChart.spec());
    assertThat(second.applied()).isEqualTo(first.applied());
    assertThat(second.output())
        .doesNotContain("created")
        .contains("Deployment gloo-mesh/networking unchanged (replicas kept at 0)");
    assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems()).hasSize(2);
    assertThat(client.serviceAccounts().inNamespace(NAMESPACE).list().getItems()).hasSize(2);

    List<RecordedRequest> writes =
        drainRequests().stream().filter(r -> !"GET".equals(r.getMethod())).toList();
    assertThat(writes).isNotEmpty();
    for (RecordedRequest write : writes) {
      assertThat(write.getPath())
          .as("the chart's crds/ are the CRD step's business")
          .doesNotContain("customresourcedefinitions");
      if (write.getPath().contains("/deployments")) {
        JsonNode body = JSON.readTree(write.getUtf8Body());
        assertThat(body.at("/spec/replicas").asInt(0))
            .as(write.getMethod() + " " + write.getPath())
            .isZero();
      }
    }
  }

  @Test
  void valuesFilesApplyInOrderOverTheChartsDefaults(@TempDir Path dir) throws Exception {
    seedDeployment("discovery", "0.11.2", 0);
    seedDeployment("networking", "0.11.2", 0);
    Path base =
        Files.writeString(
            dir.resolve("base.yaml"), "discovery:\n  image:\n    registry: first.example\n");
    Path site =
        Files.writeString(
            dir.resolve("site.yaml"), "discovery:\n  image:\n    registry: mirror.example\n");
    InstallSpec plain = TestChart.spec();
    InstallSpec spec =
        new InstallSpec(
            plain.context(),
            plain.namespace(),
            plain.release(),
            plain.chart(),
            "",
            plain.targetVersion(),
            "discovery",
            "networking",
            List.of(base.toString(), site.toString()));

    installer.upgrade(spec);

    assertDeployment("discovery", "mirror.example/discovery:0.11.3", 0);
    assertDeployment("networking", "gcr.io/gloo-mesh/networking:0.11.3", 0);
  }

  @Test
  void aMissingOrBrokenValuesFileIsRefusedAtToolingNamingIt(@TempDir Path dir) throws Exception {
    InstallSpec plain = TestChart.spec();
    Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");

    for (String file : List.of(dir.resolve("absent.yaml").toString(), list.toString())) {
      InstallSpec spec =
          new InstallSpec(
              plain.context(),
              plain.namespace(),
              plain.release(),
              plain.chart(),
              "",
              plain.targetVersion(),
              "discovery",
              "networking",
              List.of(file));
      ApplicationFailure failure =
          catchThrowableOfType(ApplicationFailure.class, () -> installer.resolveTooling(spec));
      assertThat(failure.getType()).isEqualTo(FailureTypes.TOOLING);
      assertThat(failure.getOriginalMessage()).startsWith("helmValuesFiles[0] " + file + ": ");
    }
  }

  @Test
  void aFirstInstallStartsDiscoveryAndNetworkingAtZero() {
    installer.upgrade(TestChart.spec());
    assertDeployment("discovery", "gcr.io/gloo-mesh/discovery:0.11.3", 0);
    assertDeployment("networking", "gcr.io/gloo-mesh/networking:0.11.3", 0);
  }

  @Test
  void keepsWhateverCountTheDeploymentsHaveNow() {
    seedDeployment("discovery", "0.11.2", 1);
    seedDeployment("networking", "0.11.2", 0);
    installer.upgrade(TestChart.spec());
    assertDeployment("discovery", "gcr.io/gloo-mesh/discovery:0.11.3", 1);
    assertDeployment("networking", "gcr.io/gloo-mesh/networking:0.11.3", 0);
  }

  private void assertDeployment(String name, String image, int replicas) {
    Deployment d = client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(image);
    assertThat(d.getSpec().getReplicas()).as(name + " replicas").isEqualTo(replicas);
  }

  private void seedDeployment(String name, String version, int replicas) {
    client.apps().deployments().resource(deployment(name, version, replicas)).create();
  }

  static Deployment deployment(String name, String version, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .addToLabels("app", name)
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
        .withImage("gcr.io/gloo-mesh/" + name + ":" + version)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private List<RecordedRequest> drainRequests() throws InterruptedException {
    List<RecordedRequest> requests = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      requests.add(request);
    }
    return requests;
  }
}
