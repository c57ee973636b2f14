package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a release revision the way Helm 3's Secrets driver stores it, for tests on the mock API
 * server.
 */
final class HelmReleaseSecrets {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HelmReleaseSecrets() {}

  static void seed(
      KubernetesClient client,
      String namespace,
      String name,
      String chart,
      String chartVersion,
      int revision,
      String status) {
    Map<String, Object> release =
        Map.of(
            "name",
            name,
            "namespace",
            namespace,
            "version",
            revision,
            "info",
            Map.of("status", status),
            "chart",
            Map.of("metadata", Map.of("name", chart, "version", chartVersion)),
            "config",
            Map.of("discovery", Map.of("image", Map.of("registry", "registry.example.com"))));
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName("sh.helm.release.v1." + name + ".v" + revision)
                .addToLabels(
                    Map.of(
                        "owner",
                        "helm",
                        "name",
                        name,
                        "version",
                        String.valueOf(revision),
                        "status",
                        status))
                .endMetadata()
                .withType(HelmReleaseStorage.SECRET_TYPE)
                .addToData("release", encoded(release))
                .build())
        .create();
  }

  /**
   * Leaves a revision as Helm leaves one it was killed in the middle of upgrading: {@code
   * pending-upgrade}, in its labels and in the release it holds.
   */
  static void markPending(KubernetesClient client, String namespace, String name, int revision) {
    client
        .secrets()
        .inNamespace(namespace)
        .withName("sh.helm.release.v1." + name + ".v" + revision)
        .edit(
            secret -> {
              JsonNode release = HelmReleaseStorage.body(secret);
              ((ObjectNode) release.path("info")).put("status", "pending-upgrade");
              secret.getMetadata().getLabels().put("status", "pending-upgrade");
              secret.getData().put("release", encoded(release));
              return secret;
            });
  }

  /**
   * Helm base64-encodes the gzipped JSON; the Secret's data is that text, base64-encoded again for
   * the API.
   */
  private static String encoded(Object release) {
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
      out.write(JSON.writeValueAsBytes(release));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String helmEncoded = Base64.getEncoder().encodeToString(gzipped.toByteArray());
    return Base64.getEncoder().encodeToString(helmEncoded.getBytes(StandardCharsets.US_ASCII));
  }
}
