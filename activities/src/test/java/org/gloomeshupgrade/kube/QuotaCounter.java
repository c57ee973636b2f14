package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the quota controller on the mock API server, which has none: every quota's status gets its
 * hard limits and a count of 0 pods in use, as a real controller writes for an empty namespace.
 *
 * <p>It polls rather than watches: fabric8 7.9's mock server blocks its event loop when a watch
 * closes while an event for it is being sent, which stalled every later request of a test for
 * seconds (its WatchEventsListener waits for its send executor on the event loop).
 */
public final class QuotaCounter implements AutoCloseable {
  private static final long POLL_MILLIS = 20;

  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "quota-counter");
            thread.setDaemon(true);
            return thread;
          });

  private QuotaCounter(KubernetesClient client) {
    poller.scheduleWithFixedDelay(() -> countAll(client), 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
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

  @Override
  public void close() {
    poller.shutdownNow();
    try {
      poller.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
