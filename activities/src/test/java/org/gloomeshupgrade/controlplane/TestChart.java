package org.gloomeshupgrade.controlplane;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The small stand-in for the Gloo Mesh chart in the test resources (version 0.11.3). */
final class TestChart {
  static final String VERSION = "0.11.3";

  private TestChart() {}

  static Path folder() {
    try {
      return Path.of(TestChart.class.getResource("/controlplane/chart/gloo-mesh").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static InstallSpec spec() {
    return spec(folder().toString(), VERSION);
  }

  static InstallSpec spec(String chart, String version) {
    return new InstallSpec(
        "mgmt",
        RenderedManifestInstallerTest.NAMESPACE,
        "gloo-mesh",
        chart,
        "",
        version,
        "discovery",
        "networking");
  }

  /** The CRD of the chart's Settings object, registered so the mock serves that kind. */
  static void registerSettingsCrd(KubernetesClient client) {
    try (InputStream in =
        Files.newInputStream(
            folder().resolve("crds").resolve("settings.mesh.gloo.solo.io_v1alpha2_crds.yaml"))) {
      CustomResourceDefinition crd =
          client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Packages the chart as Helm does ({@code gloo-mesh-0.11.3.tgz}) into the folder. */
  static Path packageInto(Path folder) {
    new Helm(folder()).packageIt().withDestination(folder).call();
    return folder.resolve("gloo-mesh-" + VERSION + ".tgz");
  }

  /**
   * A chart repository index listing the given versions, the target one pointing at {@code
   * archiveUrl}.
   */
  static String index(String archiveUrl, String digest, String... otherVersions) {
    StringBuilder yaml = new StringBuilder("apiVersion: v1\nentries:\n  gloo-mesh:\n");
    yaml.append("  - name: gloo-mesh\n    version: ")
        .append(VERSION)
        .append('\n')
        .append("    digest: ")
        .append(digest)
        .append('\n')
        .append("    urls:\n    - ")
        .append(archiveUrl)
        .append('\n');
    for (String other : otherVersions) {
      yaml.append("  - name: gloo-mesh\n    version: ")
          .append(other)
          .append('\n')
          .append("    urls:\n    - gloo-mesh-")
          .append(other)
          .append(".tgz\n");
    }
    return yaml.append("generated: \"2021-06-01T00:00:00Z\"\n").toString();
  }

  static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
