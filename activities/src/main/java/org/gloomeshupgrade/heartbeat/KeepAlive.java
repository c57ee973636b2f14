package org.gloomeshupgrade.heartbeat;

import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityWorkerShutdownException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The heartbeats of one running activity, and the interrupt that ends it when it must stop. */
final class KeepAlive {
  private static final Logger log = LoggerFactory.getLogger(KeepAlive.class);

  private final RememberingContext context;
  private final Thread activityThread;
  private final ScheduledExecutorService scheduler;
  private final Duration grace;
  private ScheduledFuture<?> beats;
  private ScheduledFuture<?> handover;
  private RuntimeException reason;
  private boolean stopped;

  private KeepAlive(
      RememberingContext context,
      Thread activityThread,
      ScheduledExecutorService scheduler,
      Duration grace) {
    this.context = context;
    this.activityThread = activityThread;
    this.scheduler = scheduler;
    this.grace = grace;
  }

  static KeepAlive start(
      RememberingContext context,
      Thread activityThread,
      ScheduledExecutorService scheduler,
      Duration interval,
      Duration grace) {
    KeepAlive keepAlive = new KeepAlive(context, activityThread, scheduler, grace);
    synchronized (keepAlive) {
      keepAlive.beats =
          scheduler.scheduleWithFixedDelay(
              keepAlive::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return keepAlive;
  }

  /** Why the activity was interrupted, when it was. */
  synchronized Optional<RuntimeException> reason() {
    return Optional.ofNullable(reason);
  }

  /** Called when the activity returned or threw: no heartbeat or interrupt after this. */
  synchronized void stop() {
    stopped = true;
    beats.cancel(false);
    if (handover != null) {
      handover.cancel(false);
    }
  }

  private void beat() {
    try {
      context.repeat();
    } catch (ActivityWorkerShutdownException stopping) {
      // A worker that does not allow heartbeats during shutdown: hand over as for workerStopping.
      handOverLater();
    } catch (ActivityCompletionException ended) {
      interrupt(ended, "%s".formatted(ended.getClass().getSimpleName()));
    } catch (RuntimeException unreachable) {
      // Temporal did not answer this time; the SDK reports it, and the next beat tries again.
      log.debug("heartbeat of {} not sent: {}", describe(), unreachable.toString());
    }
  }

  /** Interrupts the activity after the grace unless it ended; heartbeats go on meanwhile. */
  synchronized void handOverLater() {
    if (stopped || handover != null) {
      return;
    }
    log.info(
        "{}: the worker is stopping; handing it over to another worker unless it ends within {}s",
        describe(),
        grace.toSeconds());
    handover =
        scheduler.schedule(
            () ->
                interrupt(
                    new ActivityWorkerShutdownException(context.getInfo()), "worker stopping"),
            grace.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private synchronized void interrupt(RuntimeException why, String text) {
    if (stopped || reason != null) {
      return;
    }
    reason = why;
    beats.cancel(false);
    log.info("{}: stopped ({})", describe(), text);
    activityThread.interrupt();
  }

  private String describe() {
    ActivityInfo info = context.getInfo();
    return "activity %s (attempt %d) of %s"
        .formatted(info.getActivityType(), info.getAttempt(), info.getWorkflowId());
  }
}
