package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import java.util.Optional;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;

/**
 * The values of the Helm release that owns the control plane, for a backup; empty when it is not a
 * Helm release.
 */
public final class HelmReleaseValues {
  /**
   * @param release "namespace/name"
   */
  public record Found(String release, JsonNode values) {}

  private HelmReleaseValues() {}

  /**
   * The release Helm stamped on the discovery deployment, and the values its newest revision was
   * given.
   */
  public static Optional<Found> of(
      KubernetesClients clients, String context, String namespace, String discoveryDeployment) {
    Deployment discovery =
        KubernetesFailures.call(
            "reading deployment " + namespace + "/" + discoveryDeployment,
            context,
            () ->
                clients
                    .forContext(context)
                    .apps()
                    .deployments()
                    .inNamespace(namespace)
                    .withName(discoveryDeployment)
                    .get());
    Map<String, String> annotations =
        discovery == null || discovery.getMetadata().getAnnotations() == null
            ? Map.of()
            : discovery.getMetadata().getAnnotations();
    String name = annotations.getOrDefault(HelmReleaseLocator.RELEASE_NAME_ANNOTATION, "");
    String releaseNamespace =
        annotations.getOrDefault(HelmReleaseLocator.RELEASE_NAMESPACE_ANNOTATION, namespace);
    if (name.isBlank()) {
      return Optional.empty();
    }
    return HelmReleaseStorage.latestValues(
            clients.forContext(context), context, releaseNamespace, name)
        .map(values -> new Found(releaseNamespace + "/" + name, values));
  }
}
