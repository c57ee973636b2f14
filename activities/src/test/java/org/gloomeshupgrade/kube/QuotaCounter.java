package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Plays the quota controller on the mock API server, which has none: every quota's status gets its
 * hard limits and a count of 0 pods in use, as a real controller writes for an empty namespace.
 */
public final class QuotaCounter extends PollingStandIn {
  private QuotaCounter(KubernetesClient client) {
    super("quota-counter", Duration.ofMillis(20), () -> countAll(client));
  }

  public static QuotaCounter start(KubernetesClient client) {
    return new QuotaCounter(client);
  }

  private static void countAll(KubernetesClient client) {
    try {
      client.resourceQuotas().inAnyNamespace().list().getItems().forEach(q -> count(client, q));
    } catch (KubernetesClientException e) {
      // A quota deleted or changed between the list and the write: the next round counts it.
    }
  }

  private static void count(KubernetesClient client, ResourceQuota quota) {
    Map<String, Quantity> hard = new LinkedHashMap<>(quota.getSpec().getHard());
    Map<String, Quantity> used = new LinkedHashMap<>();
    hard.keySet().forEach(resource -> used.put(resource, new Quantity("0")));
    ResourceQuotaStatus status = new ResourceQuotaStatus(hard, used);
    if (!Objects.equals(status, quota.getStatus())) {
      quota.setStatus(status);
      client.resourceQuotas().resource(quota).updateStatus();
    }
  }
}
