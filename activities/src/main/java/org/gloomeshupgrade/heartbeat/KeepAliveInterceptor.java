package org.gloomeshupgrade.heartbeat;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Heartbeats for every activity while it runs, so that a dead worker is noticed within the
 * activity's heartbeat timeout whatever the activity is blocked on (a Helm upgrade, a subprocess, a
 * slow list). When a heartbeat says the activity was cancelled or timed out, the activity's thread
 * is interrupted at once. When the worker is stopping ({@link #workerStopping()}), each running
 * activity gets {@link #HANDOVER_GRACE} to finish and is then interrupted, so that it fails and
 * another worker retries it at once instead of the server waiting for a timeout. Heartbeats go on
 * during that grace: the worker must allow heartbeats during shutdown (see {@code
 * WorkerOptions.setAllowActivityHeartbeatDuringShutdown}), or the server would time the activity
 * out while it finishes.
 */
public final class KeepAliveInterceptor extends WorkerInterceptorBase implements AutoCloseable {
  /** How often each running activity heartbeats: well inside the shortest heartbeat timeout. */
  public static final Duration INTERVAL = Duration.ofSeconds(3);

  /**
   * How long a running activity may go on once its worker is stopping. With {@link #INTERVAL} and
   * the time to report the failure it stays inside the 30 s a Kubernetes pod gets after SIGTERM.
   */
  public static final Duration HANDOVER_GRACE = Duration.ofSeconds(12);

  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private final Duration grace;
  private final Set<KeepAlive> running = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  public KeepAliveInterceptor() {
    this(INTERVAL, HANDOVER_GRACE);
  }

  /** Shorter intervals and graces, for tests that should not wait real seconds. */
  public KeepAliveInterceptor(Duration interval, Duration grace) {
    this.interval = interval;
    this.grace = grace;
    // Two threads: a heartbeat stuck on a slow Temporal must not hold back the others.
    this.scheduler = Executors.newScheduledThreadPool(2, daemonThreads());
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new KeptAlive(next);
  }

  /**
   * Called when the worker begins to stop: running activities are handed over unless they end
   * within the grace, and activities that start from now on are handed over at once.
   */
  public void workerStopping() {
    stopping = true;
    running.forEach(KeepAlive::handOverLater);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  private final class KeptAlive extends ActivityInboundCallsInterceptorBase {
    private RememberingContext context;

    KeptAlive(ActivityInboundCallsInterceptor next) {
      super(next);
    }

    @Override
    public void init(ActivityExecutionContext context) {
      // The wrapper is what Activity.getExecutionContext() returns inside the activity.
      this.context = new RememberingContext(context);
      super.init(this.context);
    }

    @Override
    public ActivityOutput execute(ActivityInput input) {
      KeepAlive keepAlive =
          KeepAlive.start(context, Thread.currentThread(), scheduler, interval, grace);
      running.add(keepAlive);
      if (stopping) {
        keepAlive.handOverLater();
      }
      try {
        return super.execute(input);
      } catch (RuntimeException failure) {
        // An activity interrupted by the keep-alive ends with the reason it was interrupted for.
        throw keepAlive.reason().orElse(failure);
      } finally {
        keepAlive.stop();
        running.remove(keepAlive);
        Thread.interrupted();
      }
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "activity-keep-alive-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
