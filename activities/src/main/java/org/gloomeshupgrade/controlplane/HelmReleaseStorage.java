package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.gloomeshupgrade.kube.KubernetesFailures;

/**
 * Helm 3's own record of its releases, read through the Kubernetes API: one Secret per revision,
 * type {@code helm.sh/release.v1}, labelled {@code owner=helm}, {@code name}, {@code version} (the
 * revision) and {@code status}; its {@code release} key holds the release as gzipped JSON,
 * base64-encoded once more by Helm. Reading it needs no Helm call, so the tooling step can find and
 * check the release with the permissions it already reviews, and only names and chart versions ever
 * leave this class.
 */
final class HelmReleaseStorage {
  static final String SECRET_TYPE = "helm.sh/release.v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One revision of a release, as Helm recorded it. */
  record Revision(
      String namespace,
      String name,
      int revision,
      String status,
      String chart,
      String chartVersion,
      String secretName) {
    String id() {
      return namespace + "/" + name;
    }

    /** Helm is, or was when it stopped, in the middle of an install, upgrade or rollback. */
    boolean pending() {
      return status.startsWith("pending-");
    }
  }

  private HelmReleaseStorage() {}

  /**
   * The values the operator gave the newest revision of the release ({@code helm get values}), if
   * Helm has one.
   */
  static Optional<JsonNode> latestValues(
      KubernetesClient client, String context, String namespace, String name) {
    return newest(client, context, namespace, name)
        .map(s -> body(s).path("config"))
        .map(
            config -> config.isMissingNode() || config.isNull() ? JSON.createObjectNode() : config);
  }

  /** The newest revision of the release, if Helm has one. */
  static Optional<Revision> latest(
      KubernetesClient client, String context, String namespace, String name) {
    return newest(client, context, namespace, name).map(HelmReleaseStorage::revision);
  }

  /** The Secret of the release's newest revision. */
  private static Optional<Secret> newest(
      KubernetesClient client, String context, String namespace, String name) {
    List<Secret> secrets =
        KubernetesFailures.call(
            "reading the revisions of Helm release " + namespace + "/" + name,
            context,
            () ->
                client
                    .secrets()
                    .inNamespace(namespace)
                    .withLabels(Map.of("owner", "helm", "name", name))
                    .list()
                    .getItems());
    return secrets.stream()
        .filter(s -> SECRET_TYPE.equals(s.getType()))
        .max(Comparator.comparingInt(s -> revision(s).revision()));
  }

  /**
   * Every deployed release whose chart has the given name, in one namespace, or in all when {@code
   * namespace} is null (which needs the right to list Secrets cluster-wide).
   */
  static List<Revision> deployed(
      KubernetesClient client, String context, String chartName, String namespace) {
    Map<String, String> labels = Map.of("owner", "helm", "status", "deployed");
    List<Secret> secrets =
        KubernetesFailures.call(
            "listing the deployed Helm releases"
                + (namespace == null ? " in all namespaces" : " in namespace " + namespace),
            context,
            () ->
                (namespace == null
                        ? client.secrets().inAnyNamespace().withLabels(labels)
                        : client.secrets().inNamespace(namespace).withLabels(labels))
                    .list()
                    .getItems());
    return secrets.stream()
        .filter(s -> SECRET_TYPE.equals(s.getType()))
        .map(HelmReleaseStorage::revision)
        .filter(r -> chartName.equals(r.chart()))
        .sorted(Comparator.comparing(Revision::id))
        .toList();
  }

  private static Revision revision(Secret secret) {
    Map<String, String> labels =
        secret.getMetadata().getLabels() == null ? Map.of() : secret.getMetadata().getLabels();
    int number;
    try {
      number = Integer.parseInt(labels.getOrDefault("version", "0"));
    } catch (NumberFormatException e) {
      number = 0;
    }
    JsonNode metadata = body(secret).path("chart").path("metadata");
    return new Revision(
        secret.getMetadata().getNamespace(),
        labels.getOrDefault("name", ""),
        number,
        labels.getOrDefault("status", ""),
        metadata.path("name").asText(""),
        metadata.path("version").asText(""),
        secret.getMetadata().getName());
  }

  /** The release JSON; empty when the Secret does not hold one Helm 3 wrote. */
  static JsonNode body(Secret secret) {
    String data = secret.getData() == null ? null : secret.getData().get("release");
    if (data == null) {
      return JSON.missingNode();
    }
    try {
      // The API's base64, then Helm's own base64, then gzip
      // (Helm also reads bodies that were not gzipped).
      byte[] encoded = Base64.getDecoder().decode(data);
      byte[] release =
          Base64.getDecoder().decode(new String(encoded, StandardCharsets.US_ASCII).trim());
      boolean gzipped =
          release.length > 2 && (release[0] & 0xff) == 0x1f && (release[1] & 0xff) == 0x8b;
      try (InputStream in =
          gzipped
              ? new GZIPInputStream(new ByteArrayInputStream(release))
              : new ByteArrayInputStream(release)) {
        return JSON.readTree(in);
      }
    } catch (IOException | IllegalArgumentException e) {
      return JSON.missingNode();
    }
  }
}
