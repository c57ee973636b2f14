package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Plays Gloo Mesh networking: while the {@code networking} Deployment runs, every networking (and
 * settings) resource is translated and marked {@code ACCEPTED} at its current generation; while it
 * is scaled down nothing is touched, so edits made meanwhile stay unobserved.
 */
final class NetworkingController {

  static final String ACCEPTED = "ACCEPTED";

  /** Settings are validated by networking too, and carry the same status fields. */
  static final Set<String> GROUPS = Set.of(
      SimulatedVersions.NETWORKING_GROUP,
      SimulatedVersions.NETWORKING_ENTERPRISE_GROUP,
      SimulatedVersions.SETTINGS_GROUP);

  private final String namespace;

  NetworkingController(String namespace) {
    this.namespace = namespace;
  }

  void reconcile(KubernetesClient client, List<Deployment> deployments, List<InstalledKind> kinds) {
    if (!DeploymentController.available(ControllerSupport.find(deployments, namespace, "networking"))) {
      return;
    }
    for (InstalledKind kind : kinds) {
      if (!GROUPS.contains(kind.group())) {
        continue;
      }
      var operation = client.genericKubernetesResources(kind.context());
      List<GenericKubernetesResource> items = kind.namespaced()
          ? operation.inAnyNamespace().list().getItems()
          : operation.list().getItems();
      for (GenericKubernetesResource item : items) {
        var status = ControllerSupport.status(item);
        // Kinds without a state field (WasmDeployment) report only that they were processed.
        String state = kind.statusHasState() ? ACCEPTED : null;
        if (Objects.equals(state, status.get("state"))
            && Objects.equals(ControllerSupport.asLong(status.get("observedGeneration")),
                ControllerSupport.generation(item))) {
          continue;
        }
        try {
          ControllerSupport.writeObservedGeneration(client, kind, item, state);
        } catch (KubernetesClientException e) {
          // Deleted since the list: nothing left to accept.
          if (e.getCode() != 404) {
            throw e;
          }
        }
      }
    }
  }
}
