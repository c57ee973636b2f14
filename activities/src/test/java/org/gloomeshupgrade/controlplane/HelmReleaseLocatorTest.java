package org.gloomeshupgrade.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class HelmReleaseLocatorTest {
  private static final String NS = RenderedManifestInstallerTest.NAMESPACE;

  KubernetesClient client;
  KubernetesMockServer server;
  @TempDir Path tmp;
  private KubernetesClients clients;
  private HelmReleaseLocator locator;

  @BeforeEach
  void setUp() {
    clients = MockKubeconfig.context("mgmt", client).clients(tmp);
    locator = new HelmReleaseLocator(clients);
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  @Test
  void aNamedReleaseIsUsedAsGivenInTheGlooMeshNamespace() {
    discovery(Map.of());

    HelmReleaseLocator.Located located = locator.locate(TestChart.spec().withRelease("mesh"));

    assertThat(located.id()).isEqualTo(NS + "/mesh");
    assertThat(located.how()).isEqualTo("named in the request");
  }

  @Test
  void anUnnamedReleaseIsTheOneHelmStampedOnTheDiscoveryDeployment() {
    discovery(
        Map.of(
            HelmReleaseLocator.RELEASE_NAME_ANNOTATION,
            "gm-prod",
            HelmReleaseLocator.RELEASE_NAMESPACE_ANNOTATION,
            "platform"));

    HelmReleaseLocator.Located located = locator.locate(TestChart.spec().withRelease(""));

    assertThat(located.id()).isEqualTo("platform/gm-prod");
    assertThat(located.how()).contains("Helm annotations of deployment " + NS + "/discovery");
    assertThat(locator.locate(TestChart.spec().withRelease("gm-prod")).id())
        .as("the named release's namespace, when Helm stamped the same name")
        .isEqualTo("platform/gm-prod");
  }

  @Test
  void withoutAnnotationsItIsTheOnlyDeployedReleaseOfTheGlooMeshChart() {
    discovery(Map.of());
    HelmReleaseSecrets.seed(client, NS, "mesh", "gloo-mesh", "0.10.10", 1, "superseded");
    HelmReleaseSecrets.seed(client, NS, "mesh", "gloo-mesh", "0.10.10", 2, "deployed");
    HelmReleaseSecrets.seed(client, NS, "mesh-crds", "gloo-mesh-crds", "0.10.10", 1, "deployed");
    HelmReleaseSecrets.seed(
        client, "other", "cert-manager", "cert-manager", "1.4.0", 1, "deployed");

    HelmReleaseLocator.Located located = locator.locate(TestChart.spec().withRelease(""));

    assertThat(located.id()).isEqualTo(NS + "/mesh");
    assertThat(located.how()).isEqualTo("the only deployed release of chart gloo-mesh (0.10.10)");
  }

  @Test
  void noReleaseOrSeveralAreRefusedSayingWhatToSet() {
    discovery(Map.of());
    ApplicationFailure none =
        catchThrowableOfType(
            ApplicationFailure.class, () -> locator.locate(TestChart.spec().withRelease("")));
    assertThat(none.getType()).isEqualTo(FailureTypes.NOT_FOUND);
    assertThat(none.isNonRetryable()).isTrue();
    assertThat(none.getOriginalMessage())
        .contains(
            "no Helm release of chart gloo-mesh is deployed on cluster mgmt",
            "carries no meta.helm.sh/release-name annotation",
            "helmRelease",
            "manifests or meshctl");

    HelmReleaseSecrets.seed(client, "prod", "blue", "gloo-mesh", "0.10.10", 3, "deployed");
    HelmReleaseSecrets.seed(client, "staging", "green", "gloo-mesh", "0.11.3", 1, "deployed");
    ApplicationFailure several =
        catchThrowableOfType(
            ApplicationFailure.class, () -> locator.locate(TestChart.spec().withRelease("")));
    assertThat(several.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
    assertThat(several.getOriginalMessage())
        .contains(
            "2 deployed releases of chart gloo-mesh",
            "prod/blue (0.10.10)",
            "staging/green (0.11.3)",
            "Name the one to upgrade in helmRelease");

    HelmReleaseSecrets.seed(client, NS, "mesh", "gloo-mesh", "0.10.10", 1, "deployed");
    assertThat(locator.locate(TestChart.spec().withRelease("")).id())
        .as("the one in the Gloo Mesh namespace, before the others")
        .isEqualTo(NS + "/mesh");
  }

  @Test
  void withoutTheRightToListSecretsEverywhereItAsksForTheReleaseName() {
    discovery(Map.of());
    // The shipped Role reads Secrets in the Gloo Mesh namespace only.
    for (String selector :
        List.of("owner%3Dhelm%2Cstatus%3Ddeployed", "status%3Ddeployed%2Cowner%3Dhelm")) {
      server
          .expect()
          .get()
          .withPath("/api/v1/secrets?labelSelector=" + selector)
          .andReturn(403, "secrets is forbidden: cannot list resource \"secrets\" at cluster scope")
          .always();
    }

    ApplicationFailure refused =
        catchThrowableOfType(
            ApplicationFailure.class, () -> locator.locate(TestChart.spec().withRelease("")));

    assertThat(refused.getType()).isEqualTo(FailureTypes.FORBIDDEN);
    assertThat(refused.isNonRetryable()).isTrue();
    assertThat(refused.getOriginalMessage())
        .contains(
            "no Helm release of chart gloo-mesh is deployed in namespace " + NS,
            "may not list Secrets in other namespaces",
            "Name the release in helmRelease");
  }

  @Test
  void helmsRecordGivesTheNewestRevisionAndTheChart() {
    HelmReleaseSecrets.seed(client, NS, "mesh", "gloo-mesh", "0.10.9", 1, "superseded");
    HelmReleaseSecrets.seed(client, NS, "mesh", "gloo-mesh", "0.10.10", 12, "deployed");
    HelmReleaseSecrets.seed(client, NS, "mesh", "gloo-mesh", "0.10.10", 2, "superseded");

    HelmReleaseStorage.Revision latest =
        HelmReleaseStorage.latest(client, "mgmt", NS, "mesh").orElseThrow();

    assertThat(latest)
        .isEqualTo(
            new HelmReleaseStorage.Revision(
                NS, "mesh", 12, "deployed", "gloo-mesh", "0.10.10", "sh.helm.release.v1.mesh.v12"));
    assertThat(HelmReleaseStorage.latest(client, "mgmt", NS, "absent")).isEmpty();
  }

  private void discovery(Map<String, String> annotations) {
    Deployment deployment = RenderedManifestInstallerTest.deployment("discovery", "0.10.10", 0);
    deployment.getMetadata().setAnnotations(annotations);
    client.apps().deployments().resource(deployment).create();
  }
}
