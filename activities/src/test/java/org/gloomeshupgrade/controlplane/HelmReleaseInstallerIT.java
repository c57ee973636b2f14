package org.gloomeshupgrade.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.ReleaseHistory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.gloomeshupgrade.crds.CrdActivitiesImpl;
import org.gloomeshupgrade.crds.CrdApplyInput;
import org.gloomeshupgrade.sources.LocalSources;
import org.gloomeshupgrade.testkit.GlooMeshFixtures;
import org.gloomeshupgrade.testkit.HelmChart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code helm upgrade}s of the test kit's Gloo Mesh chart through helm-java and our installer,
 * 0.11.3 to 0.12.0 to 0.12.8, on a real API server (see {@link HelmTarget}). Each test works in a
 * namespace of its own and removes it afterwards. On an outside cluster it installs no CRD, and
 * leaves the chart's Settings out where the cluster has no Settings CRD; the test that needs the
 * CRD step runs on the test kit only.
 */
class HelmReleaseInstallerIT {
  private static final String RELEASE = "gloo-mesh";
  private static final String MIRROR = "registry.example.com/gloo-mesh-mirror";
  private static final ResourceDefinitionContext SETTINGS =
      new ResourceDefinitionContext.Builder()
          .withGroup("settings.mesh.gloo.solo.io")
          .withVersion("v1alpha2")
          .withPlural("settings")
          .withKind("Settings")
          .withNamespaced(true)
          .build();

  private static HelmTarget target;

  @TempDir Path charts;

  @BeforeAll
  static void start() {
    target = HelmTarget.open("0.11.3");
  }

  @AfterAll
  static void stop() {
    if (target != null) {
      target.close();
    }
  }

  @Test
  void
      upgradesTheReleaseTwiceKeepingItsValuesWithARevisionEachAndARetryNamesTheRevisionBeforeTheRun()
          throws IOException {
    String context = target.context();
    String kubeconfig = HelmReleaseInstaller.kubeconfigFor(target.clients().kubeconfig(), context);
    KubernetesClient client = target.clients().forContext(context);
    boolean settings = servesSettings(client);
    String namespace = freshNamespace();
    try {
      Helm.install(chart("0.11.3", settings).toString())
          .withName(RELEASE)
          .withNamespace(namespace)
          .createNamespace()
          // Its crds/ are v1beta1, which current API servers do
          // not serve; installing CRDs is the CRD step's job.
          .skipCrds()
          // A value the operator chose: the upgrades must keep it.
          .set("discovery.image.registry", MIRROR)
          .withKubeConfigContents(kubeconfig)
          .call();
      HelmReleaseInstaller installer =
          new HelmReleaseInstaller(target.clients(), new ChartResolver());

      InstallSpec to0120 = spec(context, namespace, chart("0.12.0", settings), "0.12.0");
      assertThat(installer.resolveTooling(to0120).resolvedChart()).isEqualTo(to0120.chart());
      InstallOutcome dryRun = installer.dryRun(to0120);
      assertThat(List.of(dryRun.revisionBefore(), dryRun.revisionAfter())).containsExactly(1, 1);
      assertDeploymentsAt(client, namespace, "0.11.3");

      InstallOutcome first = installer.upgrade(to0120);
      assertThat(List.of(first.revisionBefore(), first.revisionAfter())).containsExactly(1, 2);
      assertDeploymentsAt(client, namespace, "0.12.0");

      InstallOutcome second =
          installer.upgrade(spec(context, namespace, chart("0.12.8", settings), "0.12.8"));
      assertThat(List.of(second.revisionBefore(), second.revisionAfter())).containsExactly(2, 3);
      assertDeploymentsAt(client, namespace, "0.12.8");

      // That step again, as a retry after its first attempt made revision 3: what a rollback
      // goes back to is still the revision from before the run.
      InstallOutcome retried =
          installer.upgrade(
              spec(context, namespace, chart("0.12.8", settings), "0.12.8")
                  .withRevisionBeforeRun(2));
      assertThat(List.of(retried.revisionBefore(), retried.revisionAfter())).containsExactly(2, 4);

      // Once more, after an attempt killed inside Helm: it left revision 4 pending-upgrade, which
      // Helm would refuse to upgrade over. The retry removes that record and upgrades again.
      HelmReleaseSecrets.markPending(client, namespace, RELEASE, 4);
      InstallOutcome recovered =
          installer.upgrade(
              spec(context, namespace, chart("0.12.8", settings), "0.12.8")
                  .withRevisionBeforeRun(2));
      assertThat(List.of(recovered.revisionBefore(), recovered.revisionAfter()))
          .containsExactly(2, 4);
      assertThat(recovered.output()).doesNotContain("another operation");

      List<ReleaseHistory> history =
          Helm.history(RELEASE).withNamespace(namespace).withKubeConfigContents(kubeconfig).call();
      assertThat(history)
          .extracting(
              ReleaseHistory::getRevision, ReleaseHistory::getChart, ReleaseHistory::getStatus)
          .containsExactly(
              tuple(1, "gloo-mesh-0.11.3", "superseded"),
              tuple(2, "gloo-mesh-0.12.0", "superseded"),
              tuple(3, "gloo-mesh-0.12.8", "superseded"),
              tuple(4, "gloo-mesh-0.12.8", "deployed"));

      // A pending revision from before the run is someone else's operation: left alone, and
      // Helm's refusal reaches the person.
      HelmReleaseSecrets.markPending(client, namespace, RELEASE, 4);
      ApplicationFailure refused =
          catchThrowableOfType(
              ApplicationFailure.class,
              () ->
                  installer.upgrade(
                      spec(context, namespace, chart("0.12.8", settings), "0.12.8")
                          .withRevisionBeforeRun(4)));
      assertThat(refused.getOriginalMessage()).contains("another operation");
      assertThat(
              client.secrets().inNamespace(namespace).withName("sh.helm.release.v1.gloo-mesh.v4"))
          .extracting(r -> r.get().getMetadata().getLabels().get("status"))
          .isEqualTo("pending-upgrade");
    } finally {
      Helm.uninstall(RELEASE)
          .withNamespace(namespace)
          .ignoreNotFound()
          .withKubeConfigContents(kubeconfig)
          .call();
      client.namespaces().withName(namespace).delete();
    }
  }

  @Test
  void theUpgradedReleaseHasTheNewChartsDefaultsAndTheOperatorsValues() throws IOException {
    assumeTrue(target.simulated(), "changes the cluster's Settings CRD: runs on the test kit only");
    String context = target.context();
    String kubeconfig = HelmReleaseInstaller.kubeconfigFor(target.clients().kubeconfig(), context);
    KubernetesClient client = target.clients().forContext(context);
    String namespace = freshNamespace();
    try {
      Helm.install(chart("0.11.3", true).toString())
          .withName(RELEASE)
          .withNamespace(namespace)
          .createNamespace()
          .skipCrds()
          .set("discovery.image.registry", MIRROR)
          .withKubeConfigContents(kubeconfig)
          .call();
      // As the workflow does: the CRD step, then the control
      // plane. 0.12.0 moved Settings' istio under discovery.
      Path chart0120 = chart("0.12.0", true);
      new CrdActivitiesImpl(target.clients(), LocalSources.anyLocalPath())
          .apply(new CrdApplyInput(context, chart0120.resolve("crds").toString(), "0.12.0", 60));
      awaitSettingsSchemaWith(client, "discovery");

      new HelmReleaseInstaller(target.clients(), new ChartResolver())
          .upgrade(spec(context, namespace, chart0120, "0.12.0"));

      GenericKubernetesResource settings =
          client
              .genericKubernetesResources(SETTINGS)
              .inNamespace(namespace)
              .withName("settings")
              .get();
      assertThat(settings.getAdditionalProperties().get("spec"))
          .isEqualTo(GlooMeshFixtures.settingsSpec("0.12.0"));
      assertDeploymentsAt(client, namespace, "0.12.0");
    } finally {
      Helm.uninstall(RELEASE)
          .withNamespace(namespace)
          .ignoreNotFound()
          .withKubeConfigContents(kubeconfig)
          .call();
      client.namespaces().withName(namespace).delete();
    }
  }

  @Test
  void theRequestsValuesFilesGoOverTheReleasesValuesInOrder(@TempDir Path dir) throws IOException {
    String context = target.context();
    String kubeconfig = HelmReleaseInstaller.kubeconfigFor(target.clients().kubeconfig(), context);
    KubernetesClient client = target.clients().forContext(context);
    boolean settings = servesSettings(client);
    String namespace = freshNamespace();
    Path first =
        Files.writeString(
            dir.resolve("first.yaml"),
            "discovery:\n  image:\n    registry: first.example\nnetworking:\n  image:\n    registry: net.example\n");
    Path second =
        Files.writeString(
            dir.resolve("second.yaml"), "discovery:\n  image:\n    registry: site.example\n");
    try {
      Helm.install(chart("0.11.3", settings).toString())
          .withName(RELEASE)
          .withNamespace(namespace)
          .createNamespace()
          .skipCrds()
          .set("discovery.image.registry", MIRROR)
          .withKubeConfigContents(kubeconfig)
          .call();
      InstallSpec plain = spec(context, namespace, chart("0.12.0", settings), "0.12.0");
      InstallSpec withFiles =
          new InstallSpec(
              plain.context(),
              plain.namespace(),
              plain.release(),
              plain.chart(),
              "",
              plain.targetVersion(),
              "discovery",
              "networking",
              List.of(first.toString(), second.toString()));

      new HelmReleaseInstaller(target.clients(), new ChartResolver()).upgrade(withFiles);

      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace(namespace)
                  .withName("discovery")
                  .get()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getImage())
          .isEqualTo("site.example/discovery:0.12.0");
      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace(namespace)
                  .withName("networking")
                  .get()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getImage())
          .isEqualTo("net.example/networking:0.12.0");
    } finally {
      Helm.uninstall(RELEASE)
          .withNamespace(namespace)
          .ignoreNotFound()
          .withKubeConfigContents(kubeconfig)
          .call();
      client.namespaces().withName(namespace).delete();
    }
  }

  @Test
  void anUnnamedReleaseIsFoundFromTheClusterAndItsDryRunListsWhatWouldChange() throws IOException {
    String context = target.context();
    String kubeconfig = HelmReleaseInstaller.kubeconfigFor(target.clients().kubeconfig(), context);
    KubernetesClient client = target.clients().forContext(context);
    boolean settings = servesSettings(client);
    String namespace = freshNamespace();
    String name = "mesh-" + namespace.substring(7);
    try {
      Helm.install(chart("0.11.3", settings).toString())
          .withName(name)
          .withNamespace(namespace)
          .createNamespace()
          .skipCrds()
          .set("discovery.image.registry", MIRROR)
          .withKubeConfigContents(kubeconfig)
          .call();
      Helm.upgrade(chart("0.11.3", settings).toString())
          .withName(name)
          .withNamespace(namespace)
          .resetThenReuseValues()
          .withKubeConfigContents(kubeconfig)
          .call();
      HelmReleaseInstaller installer =
          new HelmReleaseInstaller(target.clients(), new ChartResolver());
      InstallSpec unnamed =
          spec(context, namespace, chart("0.12.0", settings), "0.12.0").withRelease("");

      // What Helm itself stored, read through the API: the revision its history shows.
      assertThat(HelmReleaseStorage.latest(client, context, namespace, name))
          .hasValueSatisfying(
              r -> {
                assertThat(r.revision()).isEqualTo(2);
                assertThat(r.chart()).isEqualTo("gloo-mesh");
                assertThat(r.chartVersion()).isEqualTo("0.11.3");
                assertThat(r.status()).isEqualTo("deployed");
              });
      assertThat(installer.resolveTooling(unnamed).detail())
          .contains(
              "release "
                  + namespace
                  + "/"
                  + name
                  + " at revision 2 (found from the Helm annotations of deployment "
                  + namespace
                  + "/discovery)");

      InstallOutcome dryRun = installer.dryRun(unnamed);

      assertThat(dryRun.release()).isEqualTo(namespace + "/" + name);
      assertThat(List.of(dryRun.revisionBefore(), dryRun.revisionAfter())).containsExactly(2, 2);
      assertThat(dryRun.applied())
          .contains(
              "Deployment " + namespace + "/discovery", "Deployment " + namespace + "/networking");
      assertThat(dryRun.output())
          .contains("Deployment " + namespace + "/discovery would be updated: ")
          .as("the release's own value is kept in the diff: only the tag changes")
          .contains(
              "replace /spec/template/spec/containers/0/image: \""
                  + MIRROR
                  + "/discovery:0.11.3\" -> \""
                  + MIRROR
                  + "/discovery:0.12.0\"")
          .contains("(server dry run)");
      assertDeploymentsAt(client, namespace, "0.11.3");
      assertThat(
              HelmReleaseStorage.latest(client, context, namespace, name).orElseThrow().revision())
          .isEqualTo(2);

      InstallOutcome upgraded = installer.upgrade(unnamed);
      assertThat(upgraded.release()).isEqualTo(namespace + "/" + name);
      assertThat(List.of(upgraded.revisionBefore(), upgraded.revisionAfter()))
          .containsExactly(2, 3);
      assertDeploymentsAt(client, namespace, "0.12.0");
    } finally {
      Helm.uninstall(name)
          .withNamespace(namespace)
          .ignoreNotFound()
          .withKubeConfigContents(kubeconfig)
          .call();
      client.namespaces().withName(namespace).delete();
    }
  }

  private static boolean servesSettings(KubernetesClient client) {
    return client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("settings.settings.mesh.gloo.solo.io")
            .get()
        != null;
  }

  /** Each test works in a namespace of its own. */
  private static String freshNamespace() {
    return "gmu-it-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * The API server swaps a CRD's schema a moment after the CRD changes; Established says nothing
   * about it.
   */
  private static void awaitSettingsSchemaWith(KubernetesClient client, String field) {
    GenericKubernetesResource probe =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("settings.mesh.gloo.solo.io/v1alpha2")
            .withKind("Settings")
            .withNewMetadata()
            .withName("schema-probe")
            .withNamespace("default")
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", Map.of(field, Map.of())))
            .build();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              GenericKubernetesResource answer =
                  client
                      .genericKubernetesResources(SETTINGS)
                      .inNamespace("default")
                      .resource(probe)
                      .dryRun()
                      .create();
              return answer.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
                  && spec.containsKey(field);
            });
  }

  /** What the chart of that version renders, with the registry chosen at install for discovery. */
  private static void assertDeploymentsAt(
      KubernetesClient client, String namespace, String version) {
    for (String component : HelmChart.COMPONENTS) {
      Deployment d = client.apps().deployments().inNamespace(namespace).withName(component).get();
      String registry = component.equals("discovery") ? MIRROR : HelmChart.DEFAULT_REGISTRY;
      assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo(registry + "/" + component + ":" + version);
      assertThat(d.getMetadata().getLabels()).containsEntry("app.kubernetes.io/version", version);
      assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    }
  }

  private static InstallSpec spec(String context, String namespace, Path chart, String version) {
    return new InstallSpec(
        context, namespace, RELEASE, chart.toString(), "", version, "discovery", "networking");
  }

  /**
   * The test kit's chart of that version; without its Settings template where the cluster has no
   * Settings CRD.
   */
  private Path chart(String version, boolean withSettings) throws IOException {
    Path chart = HelmChart.write(version, charts.resolve(version).resolve(HelmChart.CHART_NAME));
    if (!withSettings) {
      Files.delete(chart.resolve("templates").resolve("settings.yaml"));
    }
    return chart;
  }
}
