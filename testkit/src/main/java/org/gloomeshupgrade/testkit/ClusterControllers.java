package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the fake controllers of one simulated cluster on one thread, polling. Polling rather than
 * watching keeps the behaviour easy to reason about in tests: every step happens within one period.
 *
 * <p>A round is skipped when nothing was written to the server since the last one and no controller
 * waits for a delay, so an idle simulation costs almost nothing; a full round still runs every few
 * seconds in case something was missed.
 */
final class ClusterControllers implements AutoCloseable {

  static final Duration PERIOD = Duration.ofMillis(50);
  private static final Logger LOG = LoggerFactory.getLogger(ClusterControllers.class);
  private static final long WARN_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();
  private static final long FULL_ROUND_INTERVAL_NANOS = Duration.ofSeconds(2).toNanos();

  private final String cluster;
  private final KubernetesClient client;
  private final CrdController crds;
  private final DeploymentController deployments;
  private final TokenController tokens;
  private final DiscoveryController discovery;
  private final NetworkingController networking;
  private final Map<String, Long> lastWarning = new HashMap<>();
  private final AtomicLong ticks = new AtomicLong();
  private final LongSupplier writes;
  private long writesSeen = -1;
  private long lastFullRound;
  private boolean failed;
  private volatile boolean stopping;
  private volatile boolean nudged;
  private ScheduledExecutorService executor;

  /**
   * {@code discovery} and {@code networking} are null on clusters that run no management plane;
   * {@code deployments} and {@code tokens} are null where Kubernetes' own controllers run.
   */
  ClusterControllers(
      String cluster,
      KubernetesClient client,
      LongSupplier writes,
      CrdController crds,
      DeploymentController deployments,
      TokenController tokens,
      DiscoveryController discovery,
      NetworkingController networking) {
    this.cluster = cluster;
    this.crds = crds;
    this.client = client;
    this.writes = writes;
    this.deployments = deployments;
    this.tokens = tokens;
    this.discovery = discovery;
    this.networking = networking;
  }

  synchronized void start() {
    if (executor != null) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "gmu-simulator-" + cluster);
              thread.setDaemon(true);
              return thread;
            });
    // tick() catches everything it meets, so the schedule never ends with an exception to report.
    var unused =
        executor.scheduleWithFixedDelay(this::tick, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Asks for a full round even though nothing was written, for changes made outside the API server.
   */
  void nudge() {
    nudged = true;
  }

  /**
   * Polling periods completed so far, skipped ones included; lets a caller wait until the
   * controllers have seen a change.
   */
  long ticks() {
    return ticks.get();
  }

  void tick() {
    try {
      if (stopping) {
        return;
      }
      long now = System.nanoTime();
      long written = writes.getAsLong();
      boolean due =
          nudged
              || failed
              || written != writesSeen
              || (deployments != null && deployments.waiting())
              || (discovery != null && discovery.waiting())
              || now - lastFullRound > FULL_ROUND_INTERVAL_NANOS;
      if (!due) {
        return;
      }
      // Taken before reading, so a write that lands during this round triggers the next one.
      writesSeen = written;
      lastFullRound = now;
      failed = false;
      nudged = false;
      List<InstalledKind> kinds = step("crds", () -> crds.reconcile(client));
      List<Deployment> current =
          step(
              "deployments",
              () ->
                  deployments != null
                      ? deployments.reconcile(client)
                      : client.apps().deployments().inAnyNamespace().list().getItems());
      if (kinds != null && current != null) {
        if (discovery != null) {
          step(
              "discovery",
              () -> {
                discovery.reconcile(client, current, kinds);
                return null;
              });
        }
        if (networking != null) {
          step(
              "networking",
              () -> {
                networking.reconcile(client, current, kinds);
                return null;
              });
        }
      }
      if (tokens != null) {
        step(
            "tokens",
            () -> {
              tokens.reconcile(client);
              return null;
            });
      }
    } finally {
      ticks.incrementAndGet();
    }
  }

  private <T> T step(String name, Supplier<T> body) {
    try {
      return body.get();
    } catch (Throwable e) {
      failed = true;
      if (stopping || Thread.currentThread().isInterrupted()) {
        return null;
      }
      // A controller loop must survive anything; one
      // warning per controller every few seconds is enough.
      long now = System.nanoTime();
      Long last = lastWarning.get(name);
      if (last == null || now - last > WARN_INTERVAL_NANOS) {
        lastWarning.put(name, now);
        LOG.warn(
            "simulated {} controller of cluster {} failed, will retry: {}",
            name,
            cluster,
            e.toString());
      } else {
        LOG.debug("simulated {} controller of cluster {} failed", name, cluster, e);
      }
      return null;
    }
  }

  @Override
  public synchronized void close() {
    if (executor == null) {
      return;
    }
    // Let the round in progress finish rather than interrupt it: an abandoned request would reach
    // the server while it shuts down.
    stopping = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
        LOG.warn("simulated controllers of cluster {} did not stop within 5s", cluster);
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
