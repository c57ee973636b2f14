package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Plays the quota controller on the mock API server, which has none: every quota's status gets its
 * hard limits and a count of 0 pods in use, as a real controller writes for an empty namespace.
 */
public final class QuotaCounter implements AutoCloseable {
  private final SharedIndexInformer<ResourceQuota> informer;

  private QuotaCounter(KubernetesClient client) {
    this.informer =
        client
            .resourceQuotas()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(ResourceQuota quota) {
                    count(client, quota);
                  }

                  @Override
                  public void onUpdate(ResourceQuota before, ResourceQuota quota) {
                    count(client, quota);
                  }

                  @Override
                  public void onDelete(ResourceQuota quota, boolean unknownFinalState) {}
                });
  }

  public static QuotaCounter start(KubernetesClient client) {
    return new QuotaCounter(client);
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

  @Override
  public void close() {
    informer.close();
  }
}
