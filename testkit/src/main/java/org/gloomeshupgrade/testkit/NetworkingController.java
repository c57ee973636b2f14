package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays Gloo Mesh networking: while the {@code networking} Deployment runs, every networking (and
 * settings) resource is translated and marked {@code ACCEPTED} at its current generation; while it
 * is scaled down nothing is touched, so edits made meanwhile stay unobserved. A test may have some
 * resources reported {@code INVALID} with errors for a while after networking starts, or for good,
 * as the real networking does while it starts its watches on remote clusters.
 */
final class NetworkingController {

  static final String ACCEPTED = "ACCEPTED";

  /** Settings are validated by networking too, and carry the same status fields. */
  static final Set<String> GROUPS =
      Set.of(
          SimulatedVersions.NETWORKING_GROUP,
          SimulatedVersions.NETWORKING_ENTERPRISE_GROUP,
          SimulatedVersions.SETTINGS_GROUP);

  static final String INVALID = "INVALID";

  /**
   * Errors to report for a resource ("Kind namespace/name") until networking has run for {@code
   * window}.
   */
  record Rejection(List<String> errors, Duration window) {}

  private final String namespace;
  private final Map<String, Rejection> rejections = new ConcurrentHashMap<>();
  private Instant runningSince;

  NetworkingController(String namespace) {
    this.namespace = namespace;
  }

  /**
   * @param window how long after networking starts the errors last; null for as long as the test
   *     wants
   */
  void reject(
      String kind, String resourceNamespace, String name, Duration window, List<String> errors) {
    rejections.put(
        kind + " " + resourceNamespace + "/" + name, new Rejection(List.copyOf(errors), window));
  }

  void reconcile(KubernetesClient client, List<Deployment> deployments, List<InstalledKind> kinds) {
    if (!DeploymentController.available(
        ControllerSupport.find(deployments, namespace, "networking"))) {
      runningSince = null;
      return;
    }
    if (runningSince == null) {
      runningSince = Instant.now();
    }
    for (InstalledKind kind : kinds) {
      if (!GROUPS.contains(kind.group())) {
        continue;
      }
      var operation = client.genericKubernetesResources(kind.context());
      List<GenericKubernetesResource> items =
          kind.namespaced()
              ? operation.inAnyNamespace().list().getItems()
              : operation.list().getItems();
      for (GenericKubernetesResource item : items) {
        var status = ControllerSupport.status(item);
        Rejection rejection =
            rejections.get(
                item.getKind()
                    + " "
                    + item.getMetadata().getNamespace()
                    + "/"
                    + item.getMetadata().getName());
        boolean rejected =
            rejection != null
                && kind.statusHasState()
                && (rejection.window() == null
                    || Instant.now().isBefore(runningSince.plus(rejection.window())));
        // Kinds without a state field (WasmDeployment) report only that they were processed.
        String state = rejected ? INVALID : kind.statusHasState() ? ACCEPTED : null;
        if (Objects.equals(state, status.get("state"))
            && Objects.equals(
                ControllerSupport.asLong(status.get("observedGeneration")),
                ControllerSupport.generation(item))) {
          continue;
        }
        try {
          ControllerSupport.writeObservedGeneration(
              client, kind, item, state, rejected ? rejection.errors() : List.of());
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
