package org.gloomeshupgrade.worker;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.stream.Collectors;

/** The revisions of the simulator's Helm release gloo-mesh, from the Secrets Helm keeps it in. */
final class HelmRevisions {
  static final String NAMESPACE = "gloo-mesh";

  /** The labels Helm puts on each of the release's Secrets. */
  static final Map<String, String> LABELS = Map.of("owner", "helm", "name", "gloo-mesh");

  private HelmRevisions() {}

  /** Revision to status. */
  static Map<Integer, String> of(KubernetesClient client) {
    return client.secrets().inNamespace(NAMESPACE).withLabels(LABELS).list().getItems().stream()
        .collect(
            Collectors.toMap(
                (Secret s) -> Integer.parseInt(s.getMetadata().getLabels().get("version")),
                (Secret s) -> s.getMetadata().getLabels().get("status")));
  }
}
