package org.gloomeshupgrade.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.controlplane.FakeMeshctl;
import org.gloomeshupgrade.controlplane.MeshctlRunner;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MeshFixtures;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.request.RegistrationMethod;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Registration through the fake meshctl of the test resources, which records its arguments. */
@EnableKubernetesMockClient(crud = true)
class MeshctlRegistrationTest {
  private static final String TOKEN =
      "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjbHVzdGVyMSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path tmp;

  private KubernetesMockServer remoteServer;
  private KubernetesClient remote;
  private KubernetesClients clients;
  private FakeMeshctl meshctl;
  private RegistrationActivitiesImpl activities;
  private ListAppender<ILoggingEvent> logs;

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
    meshctl = FakeMeshctl.installIn(tmp.resolve("bin"));
    activities =
        new RegistrationActivitiesImpl(
            clients,
            Duration.ofSeconds(5),
            new MeshctlRunner(clients, meshctl.dir().toString(), Duration.ofSeconds(20)),
            Duration.ofSeconds(20));
    new MeshFixtures(client).crd(GlooMeshGroups.MULTICLUSTER, "KubernetesCluster", "v1alpha1");
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    clients.close();
    remote.close();
    remoteServer.destroy();
  }

  @Test
  void a011MeshctlIsGivenTheClusterNameAndFederationNamespaceAsFlags() {
    meshctl.prints("version", "version-0.11.3.out");

    ReRegisterResult result = activities.reRegister(input("0.11.3"));

    assertThat(meshctl.calls())
        .containsExactly(
            List.of("version"),
            List.of(
                "cluster",
                "register",
                "--cluster-name",
                "cluster1",
                "--mgmt-context",
                "mgmt",
                "--remote-context",
                "cluster1-ctx",
                "--federation-namespace",
                "gloo-mesh",
                "--remote-namespace",
                "gloo-remote",
                "--api-server-address",
                remoteUrl(),
                "--cluster-domain",
                "mesh.internal"));
    assertThat(meshctl.kubeconfig()).isEqualTo(clients.kubeconfig().toAbsolutePath().toString());
    assertThat(result.method()).isEqualTo("meshctl");
    assertThat(result.apiServer()).isEqualTo(remoteUrl());
    assertThat(result.detail()).contains("Successfully registered cluster");
  }

  @Test
  void a10MeshctlRegistersThroughTheCommunitySubcommandWithThePositionalNameAndMgmtNamespace() {
    meshctl.prints("version", "version-1.0.11.out");

    activities.reRegister(input("1.0.11"));

    assertThat(meshctl.calls())
        .containsExactly(
            List.of("version"),
            List.of(
                "cluster",
                "register",
                "community",
                "cluster1",
                "--mgmt-context",
                "mgmt",
                "--remote-context",
                "cluster1-ctx",
                "--mgmt-namespace",
                "gloo-mesh",
                "--remote-namespace",
                "gloo-remote",
                "--api-server-address",
                remoteUrl(),
                "--cluster-domain",
                "mesh.internal"));
  }

  @Test
  void fromBeta7TheNameIsPositionalEvenBeforeTheCommunitySubcommand() {
    meshctl.with("version.out", "{\"client\": {\"version\": \"1.0.0-beta7\"}, \"server\": null}\n");

    activities.reRegister(input("1.0.0-beta7"));

    assertThat(meshctl.calls().get(1))
        .startsWith("cluster", "register", "cluster1", "--mgmt-context")
        .contains("--mgmt-namespace")
        .doesNotContain("--cluster-name", "--federation-namespace", "community");
  }

  @Test
  void from0124AnExistingRegistrationIsRegisteredAgain() {
    meshctl.prints("version", "version-0.12.8.out");
    existingRegistration();

    activities.reRegister(input("0.12.8"));

    assertThat(meshctl.calls()).hasSize(2);
    assertThat(meshctl.calls().get(1))
        .startsWith("cluster", "register", "--cluster-name", "cluster1");
  }

  @Test
  void before0124AnExistingRegistrationIsRefusedBeforeMeshctlRuns() {
    meshctl.prints("version", "version-0.11.3.out");
    existingRegistration();

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.reRegister(input("0.11.3")));

    assertThat(failure.getType()).isEqualTo(FailureTypes.VERSION_POLICY);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .contains(
            "meshctl 0.11.3",
            "before 0.12.4",
            "panics",
            "KubernetesCluster gloo-mesh/cluster1@mgmt",
            "registrationMethod \"native\"");
    assertThat(meshctl.calls()).isEmpty();
  }

  @Test
  void aFailingMeshctlIsReportedWithItsExitCodeAndOutputButNoCredential() {
    meshctl
        .prints("version", "version-0.12.8.out")
        .with(
            "cluster.out",
            "writing kubeconfig with token: "
                + TOKEN
                + "\nAuthorization: Bearer "
                + TOKEN
                + "\nError: secrets \"cluster1\" is forbidden: User cannot create secrets in gloo-mesh\n")
        .with("cluster-exit-code", "1\n");

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.reRegister(input("0.12.8")));

    assertThat(failure.getType()).isEqualTo(MeshctlRegistration.REGISTER_FAILED);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage())
        .contains(
            "cluster cluster1",
            "exited with 1",
            "Error: secrets \"cluster1\" is forbidden",
            "[redacted]")
        .doesNotContain("eyJ");
    assertThat(logs.list)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("eyJ"));
  }

  @Test
  void aMeshctlOfAnotherVersionIsRefusedBeforeRegistering() {
    meshctl.prints("version", "version-0.12.8.out");

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.reRegister(input("1.0.11")));

    assertThat(failure.getType()).isEqualTo(FailureTypes.TOOLING);
    assertThat(failure.getOriginalMessage()).contains("is version 0.12.8", "the target is 1.0.11");
    assertThat(meshctl.calls()).containsExactly(List.of("version"));
  }

  @Test
  void credentialShapedTextIsCutFromToolOutput() {
    assertThat(
            ToolOutput.scrub(
                "token: abc.def\n\"password\":\"hunter22\"\nclient-key-data=LS0tLS1CRUdJTg\n"
                    + "Bearer xyz\n"
                    + "A".repeat(80)
                    + "\nregistered cluster1 at https://10.0.0.1:6443 (0.12.8)"))
        .isEqualTo(
            "token: [redacted]\n\"password\":\"[redacted]\"\nclient-key-data=[redacted]\nBearer [redacted]\n"
                + "[redacted]\nregistered cluster1 at https://10.0.0.1:6443 (0.12.8)");
  }

  private static ReRegisterInput input(String version) {
    return new ReRegisterInput(
        "mgmt",
        "gloo-mesh",
        "cluster1",
        "cluster1-ctx",
        "gloo-remote",
        "mesh.internal",
        RegistrationMethod.MESHCTL,
        version,
        null,
        null,
        null,
        "");
  }

  private void existingRegistration() {
    new MeshFixtures(client)
        .resource(
            GlooMeshGroups.MULTICLUSTER,
            "v1alpha1",
            "KubernetesCluster",
            "gloo-mesh",
            "cluster1",
            Map.of("secretName", "cluster1", "clusterDomain", "cluster.local"));
  }

  private String remoteUrl() {
    String url = remote.getConfiguration().getMasterUrl();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
