package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Plays, on the mock, the resource-quota controller and the part of the API server's quota
 * admission that counts pods: a quota's status gets its hard limits and the pods in use in its
 * namespace, and a pod is admitted only while every counted quota of its namespace has room. As on
 * a real server, a quota not counted yet limits nothing.
 */
final class QuotaController {
  private static final String PODS = "pods";

  /** Per namespace, the lowest counted pod limit, from the last round. */
  private final Map<String, Long> podLimits = new HashMap<>();

  /** Writes the status of every quota whose status is not current. */
  void reconcile(KubernetesClient client, List<Pod> pods) {
    podLimits.clear();
    List<ResourceQuota> quotas = client.resourceQuotas().inAnyNamespace().list().getItems();
    for (ResourceQuota quota : quotas) {
      String namespace = quota.getMetadata().getNamespace();
      Map<String, Quantity> hard =
          quota.getSpec() == null || quota.getSpec().getHard() == null
              ? Map.of()
              : quota.getSpec().getHard();
      Map<String, Quantity> used = new LinkedHashMap<>();
      if (hard.containsKey(PODS)) {
        used.put(PODS, new Quantity(Long.toString(running(pods, namespace))));
      }
      ResourceQuotaStatus status = new ResourceQuotaStatus(new LinkedHashMap<>(hard), used);
      if (!Objects.equals(status, quota.getStatus())) {
        quota.setStatus(status);
        client.resourceQuotas().inNamespace(namespace).resource(quota).updateStatus();
      }
      Quantity limit = hard.get(PODS);
      if (limit != null) {
        podLimits.merge(namespace, Quantity.getAmountInBytes(limit).longValueExact(), Math::min);
      }
    }
  }

  /** Whether one more pod fits in the namespace, which has {@code podsNow} pods. */
  boolean admitsPod(String namespace, long podsNow) {
    Long limit = podLimits.get(namespace);
    return limit == null || podsNow + 1 <= limit;
  }

  static long running(List<Pod> pods, String namespace) {
    return pods.stream()
        .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(
            p ->
                p.getStatus() == null
                    || !List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
        .count();
  }
}
