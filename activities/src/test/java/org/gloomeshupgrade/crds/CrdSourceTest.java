package org.gloomeshupgrade.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.testkit.CrdManifests;
import org.gloomeshupgrade.testkit.HelmChart;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.semver4j.Semver;

class CrdSourceTest {
  private final CrdSource source = new CrdSource();

  @Test
  void publishedFileNamesFollowTheVersion() {
    assertThat(CrdSource.fileNames(Semver.parse("0.11.3")))
        .containsExactly(
            "discovery.mesh.gloo.solo.io_v1alpha2_crds.yaml",
            "multicluster.solo.io_v1alpha1_crds.yaml",
            "networking.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml",
            "networking.mesh.gloo.solo.io_v1alpha2_crds.yaml",
            "rbac.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml",
            "settings.mesh.gloo.solo.io_v1alpha2_crds.yaml");
    assertThat(CrdSource.fileNames(Semver.parse("0.12.2"))).hasSize(6);
    assertThat(CrdSource.fileNames(Semver.parse("0.12.3")))
        .hasSize(7)
        .contains("observability.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml");
    assertThat(CrdSource.fileNames(Semver.parse("0.10.7")))
        .as("the enterprise groups appear in 0.10.8")
        .doesNotContain(
            "networking.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml",
            "rbac.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml")
        .hasSize(4);

    ApplicationFailure v1 =
        catchThrowableOfType(
            ApplicationFailure.class, () -> CrdSource.fileNames(Semver.parse("1.0.3")));
    assertThat(v1.getType()).isEqualTo(FailureTypes.CRD_SOURCE);
    assertThat(v1.isNonRetryable()).isTrue();
    assertThat(v1.getOriginalMessage()).contains("1.0.3", "local folder");
  }

  @Test
  void thePublishedFileListMatchesTheReferenceCopies() throws IOException {
    for (String version : new String[] {"0.10.10", "0.11.3", "0.12.0", "0.12.8"}) {
      Path dir = PublishedCrds.management(version);
      assumeTrue(dir != null, "the published Gloo Mesh CRDs are not on this machine");
      try (var files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
            .as(version)
            .isEqualTo(CrdSource.fileNames(Semver.parse(version)));
      }
    }
  }

  @Test
  void theExpectedCrdsOfEachVersionAreTheOnesItPublished() throws IOException {
    for (String version : new String[] {"0.10.10", "0.11.3", "0.12.0", "0.12.8"}) {
      Path dir = PublishedCrds.management(version);
      assumeTrue(dir != null, "the published Gloo Mesh CRDs are not on this machine");
      CrdSource.Loaded published = source.load(dir.toString(), version);
      assertThat(
              ManagementCrds.expected(Semver.parse(version)).values().stream()
                  .flatMap(List::stream)
                  .sorted())
          .as(version)
          .containsExactlyElementsOf(
              published.crds().stream().map(CrdSource.Crd::name).sorted().toList());
      assertThat(ManagementCrds.expected(Semver.parse(version)).keySet())
          .as(version)
          .containsExactlyInAnyOrderElementsOf(
              published.crds().stream().map(CrdSource.Crd::group).distinct().toList());
    }
  }

  @Test
  void aOnePointXTargetIsCheckedByGroupOnly() {
    assertThat(ManagementCrds.expected(Semver.parse("1.0.4")))
        .containsOnlyKeys(GlooMeshGroups.ALL)
        .allSatisfy((group, crds) -> assertThat(crds).isEmpty());
  }

  @Test
  void aChartFolderOrArchiveIsReadThroughItsCrdsFolder(@TempDir Path dir) {
    Path folder = HelmChart.write("0.11.3", dir.resolve("gloo-mesh"));
    Path archive = packageInto(folder, dir);

    CrdSource.Loaded fromFolder = source.load(folder.toString(), "0.11.3");
    CrdSource.Loaded fromArchive = source.load(archive.toString(), "0.11.3");

    assertThat(fromFolder.crds())
        .extracting(CrdSource.Crd::name)
        .containsExactlyInAnyOrderElementsOf(expectedNames("0.11.3"));
    assertThat(fromArchive.crds())
        .extracting(CrdSource.Crd::name)
        .containsExactlyInAnyOrderElementsOf(expectedNames("0.11.3"));
    assertThat(fromArchive.source()).isEqualTo(archive.toString());

    ApplicationFailure other =
        catchThrowableOfType(
            ApplicationFailure.class, () -> source.load(archive.toString(), "0.12.0"));
    assertThat(other.isNonRetryable()).isTrue();
    assertThat(other.getOriginalMessage())
        .contains(archive.toString(), "0.11.3", "not the target 0.12.0");
  }

  @Test
  void chartMeansTheControlPlaneChartUpTo0120AndTheCrdsChartOfTheRepositoryFrom0121(
      @TempDir Path dir) throws IOException {
    Path controlPlane = packageInto(HelmChart.write("0.12.0", dir.resolve("gloo-mesh")), dir);
    Path crds = packageInto(crdsChart("0.12.8", dir.resolve("gloo-mesh-crds")), dir);
    try (LocalHttpServer http = new LocalHttpServer()) {
      http.serve(
          "/charts/index.yaml",
          """
          apiVersion: v1
          entries:
            gloo-mesh:
            - name: gloo-mesh
              version: 0.12.0
              urls: [gloo-mesh-0.12.0.tgz]
            gloo-mesh-crds:
            - name: gloo-mesh-crds
              version: 0.12.8
              urls: [gloo-mesh-crds-0.12.8.tgz]
          """);
      http.serve("/charts/gloo-mesh-0.12.0.tgz", Files.readAllBytes(controlPlane));
      http.serve("/charts/gloo-mesh-crds-0.12.8.tgz", Files.readAllBytes(crds));
      String repository = http.url() + "/charts";

      CrdSource.Loaded v0120 = source.load("chart", "0.12.0", repository);
      CrdSource.Loaded v0128 = source.load("CHART", "0.12.8", repository);

      assertThat(v0120.source()).isEqualTo(repository + "/gloo-mesh-0.12.0.tgz");
      assertThat(v0120.crds())
          .extracting(CrdSource.Crd::name)
          .containsExactlyInAnyOrderElementsOf(expectedNames("0.12.0"));
      assertThat(v0128.source()).isEqualTo(repository + "/gloo-mesh-crds-0.12.8.tgz");
      assertThat(v0128.crds())
          .extracting(CrdSource.Crd::name)
          .containsExactlyInAnyOrderElementsOf(expectedNames("0.12.8"))
          .contains("accesslogrecords.observability.enterprise.mesh.gloo.solo.io");
    }

    ApplicationFailure single =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> source.load("chart", "0.12.8", controlPlane.toString()));
    assertThat(single.getType()).isEqualTo(FailureTypes.CRD_SOURCE);
    assertThat(single.getOriginalMessage())
        .contains("gloo-mesh-crds", "0.12.8", controlPlane.toString());
  }

  private static List<String> expectedNames(String version) {
    return ManagementCrds.expected(Semver.parse(version)).values().stream()
        .flatMap(List::stream)
        .toList();
  }

  private static Path packageInto(Path chart, Path destination) {
    new Helm(chart).packageIt().withDestination(destination).call();
    try (var files = Files.list(destination)) {
      String prefix = chart.getFileName() + "-";
      return files
          .filter(
              f -> f.getFileName().toString().startsWith(prefix) && f.toString().endsWith(".tgz"))
          .findFirst()
          .orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stand-in for the gloo-mesh-crds chart: nothing but Chart.yaml and crds/. */
  private static Path crdsChart(String version, Path folder) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(
        folder.resolve("Chart.yaml"),
        "apiVersion: v2\nname: gloo-mesh-crds\nversion: "
            + version
            + "\nappVersion: "
            + version
            + "\n");
    CrdManifests.writeV1beta1Folder(version, folder.resolve("crds"));
    return folder;
  }

  @Test
  void publicRepositoryPathMovesWithTheSeparateCrdChart() {
    assertThat(CrdSource.publicBaseUrl(Semver.parse("0.12.0")))
        .isEqualTo(
            "https://raw.githubusercontent.com/solo-io/gloo-mesh/v0.12.0/install/helm/gloo-mesh/crds/");
    assertThat(CrdSource.publicBaseUrl(Semver.parse("v0.12.1")))
        .isEqualTo(
            "https://raw.githubusercontent.com/solo-io/gloo-mesh/v0.12.1/install/helm/gloo-mesh-crds/crds/");
  }

  @Test
  void aFolderYieldsEveryCrdOfItsYamlFilesAndNothingElse() {
    CrdSource.Loaded loaded =
        source.load(CrdManifestConverterTest.resource("bundle").toString(), "0.11.3");
    assertThat(loaded.files()).as("the .yaml and .yml files, not the README").isEqualTo(2);
    assertThat(loaded.crds())
        .extracting(CrdSource.Crd::name)
        .containsExactly(
            "trafficpolicies.networking.mesh.gloo.solo.io",
            "virtualmeshes.networking.mesh.gloo.solo.io",
            "settings.settings.mesh.gloo.solo.io");
    assertThat(loaded.crds())
        .extracting(CrdSource.Crd::isV1beta1)
        .containsExactly(true, true, false);
  }

  @Test
  void aSingleFileIsASource() {
    CrdSource.Loaded loaded =
        source.load(CrdManifestConverterTest.resource("legacy-v1beta1.yaml").toString(), "");
    assertThat(loaded.crds()).hasSize(2);
  }

  @Test
  void missingEmptyOrBrokenSourcesAreRefusedNamingTheSource(@TempDir Path dir) throws IOException {
    assertRefused(dir.resolve("nowhere").toString(), "does not exist");
    assertRefused(
        CrdManifestConverterTest.resource("no-crds").toString(),
        "holds no CustomResourceDefinition");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "kind: [unclosed\n  - x: {");
    assertRefused(broken.toString(), "not valid YAML");
    Path twice =
        Files.writeString(
            dir.resolve("twice.yaml"),
            Files.readString(CrdManifestConverterTest.resource("bundle/20-settings.yml"))
                + "\n---\n"
                + Files.readString(CrdManifestConverterTest.resource("bundle/20-settings.yml")));
    assertRefused(twice.toString(), "defined twice");
  }

  @Test
  void anInvalidTargetVersionIsRefusedForUrlSources() {
    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> source.load("", "latest"));
    assertThat(failure.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
    assertThat(failure.getOriginalMessage()).contains("latest");
  }

  private void assertRefused(String where, String why) {
    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> source.load(where, "0.11.3"));
    assertThat(failure).as(where).isNotNull();
    assertThat(failure.getType()).isEqualTo(FailureTypes.CRD_SOURCE);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(where).contains(why);
  }
}
