package org.gloomeshupgrade.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.registration.ReRegisterInputs.nativeObjectsOnly;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.controlplane.MeshctlRunner;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MeshFixtures;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.request.RegistrationMethod;
import org.gloomeshupgrade.sources.LocalSources;
import org.gloomeshupgrade.testkit.AgentCharts;
import org.gloomeshupgrade.testkit.HelmChart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native registration with the agent charts (the test kit's stand-ins), applied as manifests on the
 * remote mock.
 */
@EnableKubernetesMockClient(crud = true)
class AgentChartRegistrationTest {
  private static final List<String> AGENT_CRDS =
      List.of(
          "issuedcertificates.certificates.mesh.gloo.solo.io",
          "certificaterequests.certificates.mesh.gloo.solo.io",
          "podbouncedirectives.certificates.mesh.gloo.solo.io",
          "xdsconfigs.xds.agent.enterprise.mesh.gloo.solo.io");

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path tmp;

  private KubernetesMockServer remoteServer;
  private KubernetesClient remote;
  private KubernetesClients clients;
  private RegistrationActivitiesImpl activities;
  private ScheduledExecutorService tokenController;

  @BeforeEach
  void setUp() {
    remoteServer =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesMixedDispatcher(new HashMap<>()),
            false);
    remoteServer.init();
    remote = remoteServer.createClient();
    clients = new MockKubeconfig().with("mgmt", client).with("cluster1-ctx", remote).clients(tmp);
    activities =
        new RegistrationActivitiesImpl(
            clients,
            Duration.ofSeconds(5),
            MeshctlRunner.onPath(clients),
            Duration.ofMinutes(1),
            LocalSources.anyLocalPath());
    new MeshFixtures(client).crd(GlooMeshGroups.MULTICLUSTER, "KubernetesCluster", "v1alpha1");
    startTokenController();
  }

  @AfterEach
  void tearDown() {
    tokenController.shutdownNow();
    clients.close();
    remote.close();
    remoteServer.destroy();
  }

  @Test
  void installsTheAgentCrdsThenTheCertAgentOnTheRemoteClusterAtTheTargetVersion() {
    ReRegisterResult result = activities.reRegister(input("0.12.8", charts("0.12.8").toString()));

    Deployment certAgent =
        remote.apps().deployments().inNamespace("gloo-mesh").withName("cert-agent").get();
    assertThat(certAgent.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("gcr.io/gloo-mesh/cert-agent:0.12.8");
    assertThat(remote.serviceAccounts().inNamespace("gloo-mesh").withName("cert-agent").get())
        .isNotNull();
    for (String crd : AGENT_CRDS) {
      assertThat(remote.apiextensions().v1().customResourceDefinitions().withName(crd).get())
          .as("CRD %s, converted to v1 for a cluster that does not serve v1beta1", crd)
          .isNotNull();
    }
    assertThat(result.agentReleases())
        .containsExactly(
            "agent-crds 0.12.8 applied (manifests): created 0, updated 0, unchanged 0; CRDs: created 4, updated 0,"
                + " unchanged 0@cluster1-ctx",
            "cert-agent 0.12.8 applied (manifests): created 2, updated 0, unchanged 0@cluster1-ctx");
    assertThat(result.created()).contains("Secret gloo-mesh/cluster1@mgmt");
  }

  @Test
  void aSecondRunChangesNothingOnTheRemoteCluster() {
    ReRegisterInput input = input("0.12.8", charts("0.12.8").toString());
    activities.reRegister(input);
    Map<String, String> before = agentResourceVersions();

    ReRegisterResult again = activities.reRegister(input);

    assertThat(agentResourceVersions()).isEqualTo(before);
    assertThat(again.agentReleases())
        .containsExactly(
            "agent-crds 0.12.8 applied (manifests): created 0, updated 0, unchanged 0; CRDs: created 0, updated 0,"
                + " unchanged 4@cluster1-ctx",
            "cert-agent 0.12.8 applied (manifests): created 0, updated 0, unchanged 2@cluster1-ctx");
  }

  @Test
  void upgradesTheAgentsOfAnOlderVersion() {
    activities.reRegister(input("0.11.3", charts("0.11.3").toString()));

    ReRegisterResult result = activities.reRegister(input("0.12.8", charts("0.12.8").toString()));

    assertThat(
            remote
                .apps()
                .deployments()
                .inNamespace("gloo-mesh")
                .withName("cert-agent")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("gcr.io/gloo-mesh/cert-agent:0.12.8");
    assertThat(result.agentReleases().get(1))
        .isEqualTo(
            "cert-agent 0.12.8 applied (manifests): created 0, updated 1, unchanged 1@cluster1-ctx");
  }

  @Test
  void byDefaultTheAgentChartsAreTakenFromBesideTheControlPlaneChart() {
    Path folder = charts("0.11.3");
    Path controlPlane = HelmChart.write("0.11.3", folder.resolve("gloo-mesh"));
    ReRegisterInput input =
        new ReRegisterInput(
            "mgmt",
            "gloo-mesh",
            "cluster1",
            "cluster1-ctx",
            "gloo-mesh",
            "",
            RegistrationMethod.NATIVE,
            "0.11.3",
            InstallMethod.MANIFESTS,
            "",
            controlPlane.toString(),
            "");

    activities.reRegister(input);

    assertThat(remote.apps().deployments().inNamespace("gloo-mesh").withName("cert-agent").get())
        .isNotNull();
  }

  @Test
  void noneLeavesTheAgentsAloneAndSaysSo() {
    charts("0.12.8");
    ReRegisterResult none = activities.reRegister(input("0.12.8", "none"));
    ReRegisterResult older =
        activities.reRegister(
            nativeObjectsOnly("mgmt", "gloo-mesh", "cluster1", "cluster1-ctx", "gloo-mesh", ""));

    assertThat(remote.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
    assertThat(remote.serviceAccounts().inNamespace("gloo-mesh").withName("cert-agent").get())
        .isNull();
    assertThat(remote.apiextensions().v1().customResourceDefinitions().list().getItems()).isEmpty();
    assertThat(none.agentReleases()).isEmpty();
    assertThat(none.detail()).contains("agentCharts \"none\"");
    assertThat(older.agentReleases()).isEmpty();
    assertThat(older.detail()).contains("left alone");
  }

  @Test
  void agentChartsBesideARepositoryAreItsSiblingRepositories() {
    assertThat(
            AgentChartLocations.besideControlPlaneChart(
                "https://storage.googleapis.com/gloo-mesh/gloo-mesh"))
        .isEqualTo("https://storage.googleapis.com/gloo-mesh");
    assertThat(
            AgentChartLocations.besideControlPlaneChart(
                "https://storage.googleapis.com/gloo-mesh/gloo-mesh/gloo-mesh-0.11.3.tgz"))
        .isEqualTo("https://storage.googleapis.com/gloo-mesh");
    assertThat(AgentChartLocations.besideControlPlaneChart(""))
        .isEqualTo("https://storage.googleapis.com/gloo-mesh");
    assertThat(
            AgentChartLocations.of("https://charts.example/gloo-mesh/", "", "0.11.3").orElseThrow())
        .extracting(c -> c.reference())
        .containsExactly(
            "https://charts.example/gloo-mesh/agent-crds",
            "https://charts.example/gloo-mesh/cert-agent");
  }

  private Path charts(String version) {
    return AgentCharts.write(version, tmp.resolve("charts-" + version));
  }

  private static ReRegisterInput input(String version, String agentCharts) {
    return new ReRegisterInput(
        "mgmt",
        "gloo-mesh",
        "cluster1",
        "cluster1-ctx",
        "gloo-mesh",
        "",
        RegistrationMethod.NATIVE,
        version,
        InstallMethod.MANIFESTS,
        agentCharts,
        "",
        "");
  }

  private Map<String, String> agentResourceVersions() {
    List<HasMetadata> all = new ArrayList<>();
    all.add(remote.apps().deployments().inNamespace("gloo-mesh").withName("cert-agent").get());
    all.add(remote.serviceAccounts().inNamespace("gloo-mesh").withName("cert-agent").get());
    AGENT_CRDS.forEach(
        n -> all.add(remote.apiextensions().v1().customResourceDefinitions().withName(n).get()));
    Map<String, String> versions = new HashMap<>();
    all.forEach(
        o ->
            versions.put(
                o.getKind() + "/" + o.getMetadata().getName(),
                o.getMetadata().getResourceVersion()));
    return versions;
  }

  /**
   * Stands in for kube-controller-manager's token controller: fills service-account-token Secrets.
   */
  private void startTokenController() {
    tokenController = Executors.newSingleThreadScheduledExecutor();
    tokenController.scheduleWithFixedDelay(
        () -> {
          try {
            remote.secrets().inAnyNamespace().list().getItems().stream()
                .filter(
                    s ->
                        "kubernetes.io/service-account-token".equals(s.getType())
                            && (s.getData() == null || !s.getData().containsKey("token")))
                .forEach(
                    s ->
                        remote
                            .secrets()
                            .inNamespace(s.getMetadata().getNamespace())
                            .withName(s.getMetadata().getName())
                            .edit(
                                e ->
                                    new SecretBuilder(e)
                                        .addToData(
                                            "token",
                                            Base64.getEncoder()
                                                .encodeToString(
                                                    "a-remote-service-account-token"
                                                        .getBytes(StandardCharsets.UTF_8)))
                                        .build()));
          } catch (RuntimeException ignored) {
            // next round
          }
        },
        100,
        100,
        TimeUnit.MILLISECONDS);
  }
}
