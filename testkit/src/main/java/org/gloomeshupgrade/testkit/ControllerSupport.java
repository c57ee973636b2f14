package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class ControllerSupport {

  private ControllerSupport() {}

  static Deployment find(List<Deployment> deployments, String namespace, String name) {
    if (deployments == null) {
      return null;
    }
    return deployments.stream()
        .filter(
            d ->
                namespace.equals(d.getMetadata().getNamespace())
                    && name.equals(d.getMetadata().getName()))
        .findFirst()
        .orElse(null);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> status(GenericKubernetesResource resource) {
    Object status = resource.getAdditionalProperties().get("status");
    return status instanceof Map ? (Map<String, Object>) status : Map.of();
  }

  static long generation(GenericKubernetesResource resource) {
    Long generation = resource.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }

  static Long asLong(Object value) {
    return value instanceof Number n ? n.longValue() : null;
  }

  /**
   * Replaces the status with the current one plus {@code observedGeneration} (and {@code state}
   * when given), as the owning controller would. A whole-status PUT is used because the mock merges
   * patches into lists instead of replacing them, which would keep stale errors.
   */
  static void writeObservedGeneration(
      KubernetesClient client,
      InstalledKind kind,
      GenericKubernetesResource resource,
      String state) {
    writeObservedGeneration(client, kind, resource, state, List.of());
  }

  /**
   * With {@code errors} in {@code status.errors}, as networking reports a resource it cannot
   * translate.
   */
  static void writeObservedGeneration(
      KubernetesClient client,
      InstalledKind kind,
      GenericKubernetesResource resource,
      String state,
      List<String> errors) {
    Map<String, Object> status = new LinkedHashMap<>(status(resource));
    status.put("observedGeneration", generation(resource));
    if (state != null) {
      status.put("state", state);
      status.remove("errors");
    }
    if (!errors.isEmpty()) {
      status.put("errors", List.copyOf(errors));
    }
    resource.setAdditionalProperty("status", status);
    var operation =
        client
            .genericKubernetesResources(kind.context())
            .inNamespace(resource.getMetadata().getNamespace())
            .resource(resource);
    if (kind.statusSubresource()) {
      operation.updateStatus();
    } else {
      operation.update();
    }
  }
}
