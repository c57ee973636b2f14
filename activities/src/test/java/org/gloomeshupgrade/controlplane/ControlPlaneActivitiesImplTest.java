package org.gloomeshupgrade.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gloomeshupgrade.crds.LocalHttpServer;
import org.gloomeshupgrade.kube.DeploymentStatusWriter;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.kube.PodCreationHold;
import org.gloomeshupgrade.kube.QuotaCounter;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.sources.LocalSources;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class ControlPlaneActivitiesImplTest {
  private static final String NS = RenderedManifestInstallerTest.NAMESPACE;

  private static final String SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

  KubernetesClient client;
  KubernetesMockServer server;

  /** "verb resource" pairs the simulated RBAC denies; everything else is allowed. */
  private final Set<String> denied = new HashSet<>();

  @TempDir Path tmp;
  private KubernetesClients clients;

  @BeforeEach
  void setUp() {
    clients = MockKubeconfig.context("mgmt", client).clients(tmp);
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
              ResourceAttributes asked = review.getSpec().getResourceAttributes();
              review.setStatus(
                  new SubjectAccessReviewStatusBuilder()
                      .withAllowed(!denied.contains(asked.getVerb() + " " + asked.getResource()))
                      .build());
              return review;
            })
        .always();
    client
        .apps()
        .deployments()
        .resource(RenderedManifestInstallerTest.deployment("discovery", "0.11.2", 0))
        .create();
    client
        .apps()
        .deployments()
        .resource(RenderedManifestInstallerTest.deployment("networking", "0.11.2", 0))
        .create();
    HelmReleaseSecrets.seed(client, NS, "gloo-mesh", "gloo-mesh", "0.11.2", 4, "deployed");
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  @Test
  void scalesBackWhatTheInstallStarted() {
    ScalingUpInstaller install = new ScalingUpInstaller(client, 1);
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(
            clients, Map.of(InstallMethod.HELM, install), LocalSources.anyLocalPath());

    ControlPlaneResult result;
    try (QuotaCounter counter = QuotaCounter.start(client);
        DeploymentStatusWriter status = DeploymentStatusWriter.start(client)) {
      result =
          activities.upgrade(input(InstallMethod.HELM, TestChart.folder().toString(), "0.11.3"));
    }

    assertThat(install.holdDuringTheInstall)
        .as("the pod hold, enforced, while the install ran")
        .isNotNull()
        .satisfies(h -> assertThat(h.getStatus().getHard()).containsKey("pods"));
    assertThat(hold()).as("the pod hold after the step").isNull();

    assertThat(result.method()).isEqualTo("helm");
    assertThat(result.revisionBefore()).isEqualTo(3);
    assertThat(result.revisionAfter()).isEqualTo(4);
    assertThat(result.output()).isEqualTo("chart installed");
    assertThat(result.replicasReset()).containsExactly(NS + "/discovery", NS + "/networking");
    for (String name : List.of("discovery", "networking")) {
      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace(NS)
                  .withName(name)
                  .get()
                  .getSpec()
                  .getReplicas())
          .as(name)
          .isZero();
    }
  }

  @Test
  void theHoldStaysUntilTheDeploymentControllerHasSeenTheScaleBack() {
    ScalingUpInstaller install = new ScalingUpInstaller(client, 1);
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(
            clients, Map.of(InstallMethod.HELM, install), LocalSources.anyLocalPath());
    // A slow controller: until it sees a scale-back, a ReplicaSet may still start the chart's pods.
    List<String> seenWithoutHold = new CopyOnWriteArrayList<>();
    List<String> seenAtZero = new CopyOnWriteArrayList<>();

    try (QuotaCounter counter = QuotaCounter.start(client);
        DeploymentStatusWriter status =
            DeploymentStatusWriter.start(
                client,
                Duration.ofMillis(300),
                d -> {
                  if (d.getSpec().getReplicas() == 0 && install.holdDuringTheInstall != null) {
                    seenAtZero.add(d.getMetadata().getName());
                    if (hold() == null) {
                      seenWithoutHold.add(d.getMetadata().getName());
                    }
                  }
                })) {
      activities.upgrade(input(InstallMethod.HELM, TestChart.folder().toString(), "0.11.3"));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> seenAtZero.containsAll(List.of("discovery", "networking")));
    }

    assertThat(seenWithoutHold).as("scale-backs seen only after the hold was lifted").isEmpty();
    assertThat(hold()).as("the pod hold after the step").isNull();
  }

  @Test
  void aFailedInstallIsScaledBackBeforeTheHoldIsLifted() {
    ScalingUpInstaller install = new ScalingUpInstaller(client, 1).thenFail();
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(
            clients, Map.of(InstallMethod.MESHCTL, install), LocalSources.anyLocalPath());

    ApplicationFailure failure;
    try (QuotaCounter counter = QuotaCounter.start(client);
        DeploymentStatusWriter status = DeploymentStatusWriter.start(client)) {
      failure =
          catchThrowableOfType(
              ApplicationFailure.class,
              () ->
                  activities.upgrade(
                      input(InstallMethod.MESHCTL, TestChart.folder().toString(), "0.11.3")));
    }

    assertThat(failure.getOriginalMessage()).isEqualTo("the install broke off");
    assertThat(install.holdDuringTheInstall).isNotNull();
    for (String name : List.of("discovery", "networking")) {
      assertThat(replicas(name)).as(name).isZero();
    }
    assertThat(hold()).as("the pod hold after the failed step").isNull();
  }

  @Test
  void aHoldThatCannotBePlacedStopsTheStepBeforeTheInstall() {
    // Without the hold in place the step must not install.
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/" + NS + "/resourcequotas/" + PodCreationHold.NAME)
        .andReturn(500, "etcd unavailable")
        .always();
    ScalingUpInstaller install = new ScalingUpInstaller(client, 1);
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(
            clients, Map.of(InstallMethod.HELM, install), LocalSources.anyLocalPath());

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.upgrade(
                    input(InstallMethod.HELM, TestChart.folder().toString(), "0.11.3")));

    assertThat(failure.getType()).isEqualTo(FailureTypes.SERVER_ERROR);
    assertThat(failure.getOriginalMessage()).contains("placing pod hold gloo-mesh/");
    assertThat(install.ran).as("the install ran").isFalse();
  }

  @Test
  void reportsNothingWhenBothStayedAtZero() {
    ScalingUpInstaller install = new ScalingUpInstaller(client, 0).keepingReplicaCounts();
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(
            clients, Map.of(InstallMethod.MANIFESTS, install), LocalSources.anyLocalPath());
    ControlPlaneResult result = activities.upgrade(input(InstallMethod.MANIFESTS, "", "0.11.3"));
    assertThat(install.ran).isTrue();
    assertThat(install.holdDuringTheInstall)
        .as("no pod hold for an install that keeps the replica counts")
        .isNull();
    assertThat(result.method()).isEqualTo("manifests");
    assertThat(result.replicasReset()).isEmpty();
    assertThat(result.applied())
        .containsExactly("Deployment gloo-mesh/discovery", "Deployment gloo-mesh/networking");
  }

  @Test
  void helmResolvesALocalChartOfTheTargetVersion() {
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(clients, LocalSources.anyLocalPath());
    ToolingReport report =
        activities.resolveTooling(
            input(InstallMethod.HELM, TestChart.folder().toString(), "0.11.3"));
    assertThat(report.tool()).isEqualTo("helm");
    assertThat(report.resolvedChart()).isEqualTo(TestChart.folder().toAbsolutePath().toString());
    assertThat(report.toolVersion()).startsWith("v3.");

    Path archive = TestChart.packageInto(mkdir("pkg"));
    ToolingReport fromArchive =
        activities.resolveTooling(input(InstallMethod.MANIFESTS, archive.toString(), "0.11.3"));
    assertThat(fromArchive.resolvedChart()).isEqualTo(archive.toAbsolutePath().toString());

    assertTooling(
        () ->
            activities.resolveTooling(
                input(InstallMethod.HELM, TestChart.folder().toString(), "0.11.4")),
        "version 0.11.3, not the target 0.11.4");
    assertTooling(
        () ->
            activities.resolveTooling(
                input(InstallMethod.HELM, tmp.resolve("nope").toString(), "0.11.3")),
        "does not exist on the worker");
  }

  @Test
  void toolingChecksThePermissionsTheChartsObjectsNeedAndNamesEveryMissingOne() {
    TestChart.registerSettingsCrd(client);
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(clients, LocalSources.anyLocalPath());
    ControlPlaneInput manifests =
        input(InstallMethod.MANIFESTS, TestChart.folder().toString(), "0.11.3");

    assertThat(activities.resolveTooling(manifests).detail())
        .contains("permission(s) to write its objects confirmed")
        .doesNotContain("not checked");

    denied.addAll(List.of("update deployments", "create settings"));
    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> activities.resolveTooling(manifests));
    assertThat(failure.getType()).isEqualTo(FailureTypes.MISSING_PERMISSIONS);
    assertThat(failure.getOriginalMessage())
        .contains("lacks 2 permission(s)")
        .contains("update apps/deployments in gloo-mesh on mgmt")
        .contains("create settings.mesh.gloo.solo.io/settings in gloo-mesh on mgmt")
        .contains("Nothing was changed");
  }

  @Test
  void helmToolingNamesTheReleaseAndItsRevisionForARollback() {
    TestChart.registerSettingsCrd(client);
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(clients, LocalSources.anyLocalPath());

    ToolingReport named =
        activities.resolveTooling(
            input(InstallMethod.HELM, TestChart.folder().toString(), "0.11.3"));
    ToolingReport found =
        activities.resolveTooling(
            new ControlPlaneInput(
                "mgmt",
                NS,
                InstallMethod.HELM,
                "",
                TestChart.folder().toString(),
                "",
                "0.11.3",
                "discovery",
                "networking"));

    assertThat(named.detail())
        .startsWith(
            "helm upgrade of release "
                + NS
                + "/gloo-mesh at revision 4 (named in the"
                + " request) to chart gloo-mesh 0.11.3");
    assertThat(found.detail())
        .startsWith(
            "helm upgrade of release "
                + NS
                + "/gloo-mesh at revision 4 (the only"
                + " deployed release of chart gloo-mesh (0.11.2))");
    assertThat(List.of(named.releaseRevision(), found.releaseRevision()))
        .as("the revision for the control-plane step's rollback command")
        .containsExactly(4, 4);
  }

  @Test
  void helmToolingRefusesAReleaseThatDoesNotExistBeforeAnythingChanges() {
    TestChart.registerSettingsCrd(client);
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(clients, LocalSources.anyLocalPath());

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.resolveTooling(
                    new ControlPlaneInput(
                        "mgmt",
                        NS,
                        InstallMethod.HELM,
                        "gloo-mesh-old",
                        TestChart.folder().toString(),
                        "",
                        "0.11.3",
                        "discovery",
                        "networking")));

    assertThat(failure.getType()).isEqualTo(FailureTypes.NOT_FOUND);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .contains(
            "Helm release "
                + NS
                + "/gloo-mesh-old (named in the request)"
                + " does not exist on cluster mgmt");
  }

  @Test
  void helmToolingAlsoChecksTheSecretsHelmKeepsItsReleasesInAndThePodHold() {
    TestChart.registerSettingsCrd(client);
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(clients, LocalSources.anyLocalPath());
    denied.addAll(List.of("delete secrets", "patch deployments", "create resourcequotas"));

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.resolveTooling(
                    input(InstallMethod.HELM, TestChart.folder().toString(), "0.11.3")));

    assertThat(failure.getType()).isEqualTo(FailureTypes.MISSING_PERMISSIONS);
    assertThat(failure.getOriginalMessage())
        .contains("delete secrets in gloo-mesh on mgmt")
        .contains("patch apps/deployments in gloo-mesh on mgmt")
        .contains("create resourcequotas in gloo-mesh on mgmt");
  }

  @Test
  void meshctlToolingChecksWhatHelmInsideMeshctlWillWriteBeforeAnythingChanges() {
    TestChart.registerSettingsCrd(client);
    FakeMeshctl fake = FakeMeshctl.installIn(tmp.resolve("bin"));
    ControlPlaneActivitiesImpl activities = withMeshctl(fake);
    ControlPlaneInput input = input(InstallMethod.MESHCTL, TestChart.folder().toString(), "0.11.3");

    assertThat(activities.resolveTooling(input).detail())
        .contains("permission(s) to write its objects confirmed");

    denied.addAll(List.of("update secrets", "patch deployments"));
    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> activities.resolveTooling(input));
    assertThat(failure.getType()).isEqualTo(FailureTypes.MISSING_PERMISSIONS);
    assertThat(failure.getOriginalMessage())
        .contains("update secrets in gloo-mesh on mgmt")
        .contains("patch apps/deployments in gloo-mesh on mgmt");
    assertThat(fake.calls())
        .as("meshctl only asked for its version")
        .allSatisfy(call -> assertThat(call).containsExactly("version"));
  }

  @Test
  void meshctlAfterAnAttemptKilledInsideHelmRemovesOnlyThatAttemptsPendingRevision() {
    TestChart.registerSettingsCrd(client);
    FakeMeshctl fake = FakeMeshctl.installIn(tmp.resolve("bin"));
    ControlPlaneActivitiesImpl activities = withMeshctl(fake);
    ControlPlaneInput input = input(InstallMethod.MESHCTL, TestChart.folder().toString(), "0.11.3");
    int before = activities.resolveTooling(input).releaseRevision();
    assertThat(before).as("the release's revision before the run").isEqualTo(4);
    // The first attempt's meshctl was killed inside Helm.
    HelmReleaseSecrets.seed(client, NS, "gloo-mesh", "gloo-mesh", "0.11.3", 5, "pending-upgrade");

    try (QuotaCounter counter = QuotaCounter.start(client);
        DeploymentStatusWriter status = DeploymentStatusWriter.start(client)) {
      activities.upgrade(withRevisionBeforeRun(input, before));
    }

    assertThat(client.secrets().inNamespace(NS).withName("sh.helm.release.v1.gloo-mesh.v5").get())
        .as("the attempt's pending revision")
        .isNull();
    assertThat(client.secrets().inNamespace(NS).withName("sh.helm.release.v1.gloo-mesh.v4").get())
        .isNotNull();
    assertThat(fake.calls()).anySatisfy(call -> assertThat(call).startsWith("install"));

    // Pending from before the run: someone else's operation, left alone.
    HelmReleaseSecrets.seed(client, NS, "gloo-mesh", "gloo-mesh", "0.11.3", 5, "pending-upgrade");
    try (QuotaCounter counter = QuotaCounter.start(client);
        DeploymentStatusWriter status = DeploymentStatusWriter.start(client)) {
      activities.upgrade(withRevisionBeforeRun(input, 5));
    }
    assertThat(client.secrets().inNamespace(NS).withName("sh.helm.release.v1.gloo-mesh.v5").get())
        .isNotNull();
  }

  /**
   * The step with meshctl as its only method: the fake, checked against the chart's permissions.
   */
  private ControlPlaneActivitiesImpl withMeshctl(FakeMeshctl fake) {
    MeshctlInstaller meshctl =
        new MeshctlInstaller(
            new MeshctlRunner(clients, fake.dir().toString(), Duration.ofSeconds(20)),
            Duration.ofSeconds(20),
            clients,
            new ChartResolver());
    return new ControlPlaneActivitiesImpl(
        clients, Map.of(InstallMethod.MESHCTL, meshctl), LocalSources.anyLocalPath());
  }

  private static ControlPlaneInput withRevisionBeforeRun(ControlPlaneInput input, int revision) {
    return new ControlPlaneInput(
        input.context(),
        input.namespace(),
        input.installMethod(),
        input.release(),
        input.chart(),
        input.meshctlPath(),
        input.targetVersion(),
        input.discoveryDeployment(),
        input.networkingDeployment(),
        input.valuesFiles(),
        revision);
  }

  @Test
  void helmToolingRefusesAValuesFileTheWorkerDoesNotHave() {
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(clients, LocalSources.anyLocalPath());
    String absent = tmp.resolve("absent.yaml").toString();

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.resolveTooling(
                    new ControlPlaneInput(
                        "mgmt",
                        NS,
                        InstallMethod.HELM,
                        "gloo-mesh",
                        TestChart.folder().toString(),
                        "",
                        "0.11.3",
                        "discovery",
                        "networking",
                        List.of(absent))));

    assertThat(failure.getType()).isEqualTo(FailureTypes.TOOLING);
    assertThat(failure.getOriginalMessage())
        .isEqualTo("helmValuesFiles[0] " + absent + ": no readable file there on the worker");
  }

  @Test
  void kindsNotServedYetAreSaidToBeUnchecked() {
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(clients, LocalSources.anyLocalPath());

    ToolingReport report =
        activities.resolveTooling(
            input(InstallMethod.MANIFESTS, TestChart.folder().toString(), "0.11.3"));

    assertThat(report.detail())
        .contains(
            "not checked, served only after the CRD step: [Settings (settings.mesh.gloo.solo.io/");
  }

  @Test
  void helmResolvesTheTargetInARepositoryIndex() throws Exception {
    Path archive = TestChart.packageInto(mkdir("pkg"));
    try (LocalHttpServer http = new LocalHttpServer()) {
      ControlPlaneActivitiesImpl activities =
          new ControlPlaneActivitiesImpl(clients, LocalSources.anyLocalPathAnd(http.url()));
      http.serve(
          "/gloo-mesh/index.yaml",
          TestChart.index(
              "gloo-mesh-0.11.3.tgz", TestChart.sha256(archive), "0.11.2", "0.11.1", "0.12.0"));
      http.serve("/gloo-mesh/gloo-mesh-0.11.3.tgz", Files.readAllBytes(archive));

      ToolingReport report =
          activities.resolveTooling(input(InstallMethod.HELM, http.url() + "/gloo-mesh", "0.11.3"));
      assertThat(report.resolvedChart()).isEqualTo(http.url() + "/gloo-mesh/gloo-mesh-0.11.3.tgz");
      assertThat(report.detail()).contains("gloo-mesh/gloo-mesh", "0.11.3");

      assertTooling(
          () ->
              activities.resolveTooling(
                  input(InstallMethod.HELM, http.url() + "/gloo-mesh/", "0.11.4")),
          "has no gloo-mesh 0.11.4 (it has [0.11.3, 0.11.2, 0.11.1])");
      assertTooling(
          () ->
              activities.resolveTooling(
                  input(InstallMethod.HELM, http.url() + "/elsewhere", "0.11.3")),
          http.url() + "/elsewhere/index.yaml answered HTTP 404");

      ToolingReport byArchiveUrl =
          activities.resolveTooling(
              input(InstallMethod.HELM, http.url() + "/gloo-mesh/gloo-mesh-0.11.3.tgz", "0.11.3"));
      assertThat(byArchiveUrl.resolvedChart())
          .isEqualTo(http.url() + "/gloo-mesh/gloo-mesh-0.11.3.tgz");
    }
  }

  @Test
  void manifestsInstallFromARepositoryAndCheckTheDigest() throws Exception {
    TestChart.registerSettingsCrd(client);
    Path archive = TestChart.packageInto(mkdir("pkg"));
    try (LocalHttpServer http = new LocalHttpServer()) {
      ControlPlaneActivitiesImpl activities =
          new ControlPlaneActivitiesImpl(clients, LocalSources.anyLocalPathAnd(http.url()));
      http.serve(
          "/good/index.yaml",
          TestChart.index(http.url() + "/good/gloo-mesh-0.11.3.tgz", TestChart.sha256(archive)));
      http.serve("/good/gloo-mesh-0.11.3.tgz", Files.readAllBytes(archive));
      http.serve("/bad/index.yaml", TestChart.index("gloo-mesh-0.11.3.tgz", "0".repeat(64)));
      http.serve("/bad/gloo-mesh-0.11.3.tgz", Files.readAllBytes(archive));

      ControlPlaneResult result =
          activities.upgrade(input(InstallMethod.MANIFESTS, http.url() + "/good", "0.11.3"));
      assertThat(result.applied())
          .contains("Deployment gloo-mesh/discovery", "Deployment gloo-mesh/networking");
      assertThat(result.replicasReset()).isEmpty();
      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace(NS)
                  .withName("networking")
                  .get()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getImage())
          .isEqualTo("gcr.io/gloo-mesh/networking:0.11.3");

      assertTooling(
          () -> activities.upgrade(input(InstallMethod.MANIFESTS, http.url() + "/bad", "0.11.3")),
          "sha256");
    }
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    ControlPlaneActivitiesImpl activities =
        new ControlPlaneActivitiesImpl(
            clients, Map.of(InstallMethod.HELM, new ScalingUpInstaller(client, 1)));
    ApplicationFailure noMethod =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.upgrade(input(null, "", "0.11.3")));
    assertThat(noMethod.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
    assertThat(noMethod.getOriginalMessage()).contains("installMethod");

    ApplicationFailure badVersion =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.upgrade(input(InstallMethod.HELM, "", "latest")));
    assertThat(badVersion.getOriginalMessage()).contains("targetVersion", "latest");

    ApplicationFailure noInstaller =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.resolveTooling(input(InstallMethod.MESHCTL, "", "0.11.3")));
    assertThat(noInstaller.getType()).isEqualTo(FailureTypes.TOOLING);

    ApplicationFailure unknownContext =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.upgrade(
                    new ControlPlaneInput(
                        "other",
                        NS,
                        InstallMethod.HELM,
                        "gloo-mesh",
                        "",
                        "",
                        "0.11.3",
                        "discovery",
                        "networking")));
    assertThat(unknownContext.getType()).isEqualTo(FailureTypes.UNKNOWN_CONTEXT);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("networking")
                .get()
                .getSpec()
                .getReplicas())
        .as("nothing ran")
        .isZero();
  }

  @Test
  void helmGetsOnlyItsContextMadeCurrentWithAbsolutePaths() throws Exception {
    Path dir = mkdir("kube");
    Path kubeconfig =
        Files.writeString(
            dir.resolve("config"),
            """
        apiVersion: v1
        kind: Config
        current-context: other
        clusters:
        - name: mgmt-cluster
          cluster:
            server: https://mgmt.example:6443
            certificate-authority: certs/ca.crt
        - name: other-cluster
          cluster:
            server: https://other.example:6443
        contexts:
        - name: mgmt
          context: {cluster: mgmt-cluster, user: mgmt-user, namespace: gloo-mesh}
        - name: other
          context: {cluster: other-cluster, user: other-user}
        users:
        - name: mgmt-user
          user: {client-certificate: certs/client.crt, client-key: /abs/client.key}
        - name: other-user
          user: {token: other-token}
        """);
    String contents = HelmReleaseInstaller.kubeconfigFor(kubeconfig, "mgmt");
    Config config = KubeConfigUtils.parseConfigFromString(contents);
    assertThat(config.getCurrentContext()).isEqualTo("mgmt");
    assertThat(config.getContexts()).extracting(c -> c.getName()).containsExactly("mgmt");
    assertThat(config.getClusters())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getCluster().getServer()).isEqualTo("https://mgmt.example:6443");
              assertThat(c.getCluster().getCertificateAuthority())
                  .isEqualTo(dir.resolve("certs/ca.crt").toString());
            });
    assertThat(config.getUsers())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.getUser().getClientCertificate())
                  .isEqualTo(dir.resolve("certs/client.crt").toString());
              assertThat(u.getUser().getClientKey()).isEqualTo("/abs/client.key");
            });
    assertThat(contents).doesNotContain("other-token");
  }

  private Path mkdir(String name) {
    try {
      return Files.createDirectories(tmp.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertTooling(Runnable call, String message) {
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, call::run);
    assertThat(failure).as("expected a failure saying: " + message).isNotNull();
    assertThat(failure.getType()).isEqualTo(FailureTypes.TOOLING);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(message);
  }

  private static ControlPlaneInput input(InstallMethod method, String chart, String version) {
    return new ControlPlaneInput(
        "mgmt", NS, method, "gloo-mesh", chart, "", version, "discovery", "networking");
  }

  private ResourceQuota hold() {
    return client.resourceQuotas().inNamespace(NS).withName(PodCreationHold.NAME).get();
  }

  private int replicas(String name) {
    return client.apps().deployments().inNamespace(NS).withName(name).get().getSpec().getReplicas();
  }

  /**
   * Sets both deployments to a replica count, as Helm's patch of a chart that sets one would, and
   * records the pod hold it saw.
   */
  private static final class ScalingUpInstaller implements ControlPlaneInstaller {
    private final KubernetesClient client;
    private final int replicas;
    private boolean keepsCounts;
    private boolean fail;
    boolean ran;
    ResourceQuota holdDuringTheInstall;

    ScalingUpInstaller(KubernetesClient client, int replicas) {
      this.client = client;
      this.replicas = replicas;
    }

    ScalingUpInstaller keepingReplicaCounts() {
      keepsCounts = true;
      return this;
    }

    ScalingUpInstaller thenFail() {
      fail = true;
      return this;
    }

    @Override
    public boolean keepsReplicaCounts() {
      return keepsCounts;
    }

    @Override
    public ToolingReport resolveTooling(InstallSpec spec) {
      return new ToolingReport("helm", spec.chart(), "v3", "fake");
    }

    @Override
    public InstallOutcome upgrade(InstallSpec spec) {
      ran = true;
      holdDuringTheInstall =
          client
              .resourceQuotas()
              .inNamespace(spec.namespace())
              .withName(PodCreationHold.NAME)
              .get();
      for (String name : List.of(spec.discoveryDeployment(), spec.networkingDeployment())) {
        client
            .apps()
            .deployments()
            .inNamespace(spec.namespace())
            .withName(name)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"replicas\":" + replicas + "}}");
      }
      if (fail) {
        throw ApplicationFailure.newFailure(
            "the install broke off", FailureTypes.HELM_UPGRADE_FAILED);
      }
      return new InstallOutcome(
          3,
          4,
          List.of("Deployment gloo-mesh/discovery", "Deployment gloo-mesh/networking"),
          "chart installed");
    }

    @Override
    public InstallOutcome dryRun(InstallSpec spec) {
      return new InstallOutcome(3, 3, List.of("Deployment gloo-mesh/discovery"), "checked");
    }
  }
}
