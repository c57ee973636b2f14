package org.gloomeshupgrade.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.semver4j.Semver;

class CrdSourceTest {
  private final CrdSource source = new CrdSource();

  @Test
  void publishedFileNamesFollowTheVersion() {
    assertThat(CrdSource.fileNames(Semver.parse("0.11.3"))).containsExactly(
        "discovery.mesh.gloo.solo.io_v1alpha2_crds.yaml",
        "multicluster.solo.io_v1alpha1_crds.yaml",
        "networking.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml",
        "networking.mesh.gloo.solo.io_v1alpha2_crds.yaml",
        "rbac.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml",
        "settings.mesh.gloo.solo.io_v1alpha2_crds.yaml");
    assertThat(CrdSource.fileNames(Semver.parse("0.12.2"))).hasSize(6);
    assertThat(CrdSource.fileNames(Semver.parse("0.12.3")))
        .hasSize(7).contains("observability.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml");
    assertThat(CrdSource.fileNames(Semver.parse("0.10.7")))
        .as("the enterprise groups appear in 0.10.8")
        .doesNotContain("networking.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml",
            "rbac.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml")
        .hasSize(4);

    ApplicationFailure v1 = catchThrowableOfType(ApplicationFailure.class,
        () -> CrdSource.fileNames(Semver.parse("1.0.3")));
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
        assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).as(version)
            .isEqualTo(CrdSource.fileNames(Semver.parse(version)));
      }
    }
  }

  @Test
  void publicRepositoryPathMovesWithTheSeparateCrdChart() {
    assertThat(CrdSource.publicBaseUrl(Semver.parse("0.12.0"))).isEqualTo(
        "https://raw.githubusercontent.com/solo-io/gloo-mesh/v0.12.0/install/helm/gloo-mesh/crds/");
    assertThat(CrdSource.publicBaseUrl(Semver.parse("v0.12.1"))).isEqualTo(
        "https://raw.githubusercontent.com/solo-io/gloo-mesh/v0.12.1/install/helm/gloo-mesh-crds/crds/");
  }

  @Test
  void aFolderYieldsEveryCrdOfItsYamlFilesAndNothingElse() {
    CrdSource.Loaded loaded = source.load(CrdManifestConverterTest.resource("bundle").toString(), "0.11.3");
    assertThat(loaded.files()).as("the .yaml and .yml files, not the README").isEqualTo(2);
    assertThat(loaded.crds()).extracting(CrdSource.Crd::name).containsExactly(
        "trafficpolicies.networking.mesh.gloo.solo.io",
        "virtualmeshes.networking.mesh.gloo.solo.io",
        "settings.settings.mesh.gloo.solo.io");
    assertThat(loaded.crds()).extracting(CrdSource.Crd::isV1beta1).containsExactly(true, true, false);
  }

  @Test
  void aSingleFileIsASource() {
    CrdSource.Loaded loaded = source.load(CrdManifestConverterTest.resource("legacy-v1beta1.yaml").toString(), "");
    assertThat(loaded.crds()).hasSize(2);
  }

  @Test
  void missingEmptyOrBrokenSourcesAreRefusedNamingTheSource(@TempDir Path dir) throws IOException {
    assertRefused(dir.resolve("nowhere").toString(), "does not exist");
    assertRefused(CrdManifestConverterTest.resource("no-crds").toString(), "holds no CustomResourceDefinition");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "kind: [unclosed\n  - x: {");
    assertRefused(broken.toString(), "not valid YAML");
    Path twice = Files.writeString(dir.resolve("twice.yaml"),
        Files.readString(CrdManifestConverterTest.resource("bundle/20-settings.yml")) + "\n---\n"
            + Files.readString(CrdManifestConverterTest.resource("bundle/20-settings.yml")));
    assertRefused(twice.toString(), "defined twice");
  }

  @Test
  void anInvalidTargetVersionIsRefusedForUrlSources() {
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> source.load("", "latest"));
    assertThat(failure.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
    assertThat(failure.getOriginalMessage()).contains("latest");
  }

  private void assertRefused(String where, String why) {
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> source.load(where, "0.11.3"));
    assertThat(failure).as(where).isNotNull();
    assertThat(failure.getType()).isEqualTo(FailureTypes.CRD_SOURCE);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(where).contains(why);
  }
}
