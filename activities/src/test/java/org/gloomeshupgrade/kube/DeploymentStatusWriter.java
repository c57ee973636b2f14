package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Plays the deployment controller's status on the mock API server, which has none: each round,
 * every deployment whose generation its status has not seen gets {@code observedGeneration}, as a
 * real controller writes once it has scaled the deployment's ReplicaSets. Polls, like {@link
 * QuotaCounter}.
 */
public final class DeploymentStatusWriter extends PollingStandIn {
  private DeploymentStatusWriter(
      KubernetesClient client, Duration round, Consumer<Deployment> beforeObserving) {
    super("deployment-status", round, () -> observeAll(client, beforeObserving));
  }

  public static DeploymentStatusWriter start(KubernetesClient client) {
    return new DeploymentStatusWriter(client, Duration.ofMillis(20), d -> {});
  }

  /**
   * @param beforeObserving sees each deployment just before its new generation is marked observed
   */
  public static DeploymentStatusWriter start(
      KubernetesClient client, Duration round, Consumer<Deployment> beforeObserving) {
    return new DeploymentStatusWriter(client, round, beforeObserving);
  }

  private static void observeAll(KubernetesClient client, Consumer<Deployment> beforeObserving) {
    try {
      for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
        Long generation = d.getMetadata().getGeneration();
        DeploymentStatus status = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        if (generation != null && !Objects.equals(status.getObservedGeneration(), generation)) {
          beforeObserving.accept(d);
          status.setObservedGeneration(generation);
          d.setStatus(status);
          client.apps().deployments().resource(d).updateStatus();
        }
      }
    } catch (KubernetesClientException e) {
      // Changed between the list and the write: the next round sees it.
    }
  }
}
