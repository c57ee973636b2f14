package org.gloomeshupgrade.metrics;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.ScopeCloseException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.time.Duration;

/**
 * The worker's metrics, in one Prometheus registry: the Temporal SDK's (polls, task latencies,
 * activity failures), the runs' own (steps, gates, approvals; see {@link RunGauges} and the
 * workflow's run metrics), activity retries, and the JVM's.
 */
public final class WorkerMetrics implements AutoCloseable {
  /**
   * How often the SDK's metrics reach the registry: well under Prometheus' usual 15-60 s scrape
   * interval, so each scrape sees fresh values.
   */
  static final Duration SDK_REPORT_INTERVAL = Duration.ofSeconds(5);

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final Scope sdkScope;

  private WorkerMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    sdkScope =
        new RootScopeBuilder()
            .reporter(new MicrometerClientStatsReporter(registry))
            .reportEvery(com.uber.m3.util.Duration.ofMillis(SDK_REPORT_INTERVAL.toMillis()));
  }

  public static WorkerMetrics create() {
    return new WorkerMetrics();
  }

  public MeterRegistry registry() {
    return registry;
  }

  PrometheusMeterRegistry prometheus() {
    return registry;
  }

  /** The scope the Temporal SDK reports to, given to the service stubs. */
  public Scope sdkScope() {
    return sdkScope;
  }

  /** The Prometheus text a scrape gets. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    try {
      sdkScope.close();
    } catch (ScopeCloseException e) {
      // the last report is lost; the registry closes all the same
    }
    gc.close();
    registry.close();
  }
}
