package org.gloomeshupgrade.kube;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Kubernetes controller the mock API server lacks, played by polling on a daemon thread until
 * closed. Polls rather than watches: fabric8 7.9's mock server blocks its event loop when a watch
 * closes while an event for it is being sent, which stalled every later request of a test for
 * seconds (its WatchEventsListener waits for its send executor on the event loop).
 */
class PollingStandIn implements AutoCloseable {
  private final ScheduledExecutorService poller;

  /**
   * @param pass one pass over the objects the controller looks after
   */
  PollingStandIn(String name, Duration round, Runnable pass) {
    poller =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, name);
              thread.setDaemon(true);
              return thread;
            });
    poller.scheduleWithFixedDelay(pass, 0, round.toMillis(), TimeUnit.MILLISECONDS);
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
