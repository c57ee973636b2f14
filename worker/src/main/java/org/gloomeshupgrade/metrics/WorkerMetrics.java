package org.gloomeshupgrade.metrics;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.ScopeCloseException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.time.Duration;
import java.util.List;

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

  /**
   * The histogram buckets of every timer: from a fast gRPC call to an approval that waits an hour.
   * The SDK asks for Micrometer's default histogram (69 buckets between 1 ms and 30 s) on each of
   * its timers, which made a scrape 1.9 MB during an upgrade; these 14 cover more with fewer.
   */
  static final List<Duration> BUCKETS =
      List.of(
          Duration.ofMillis(10),
          Duration.ofMillis(50),
          Duration.ofMillis(100),
          Duration.ofMillis(250),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofMillis(2500),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofMinutes(1),
          Duration.ofMinutes(5),
          Duration.ofMinutes(15),
          Duration.ofHours(1));

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final Scope sdkScope;

  private WorkerMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(fewerBuckets());
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

  private static MeterFilter fewerBuckets() {
    double[] nanos = BUCKETS.stream().mapToDouble(Duration::toNanos).toArray();
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != Meter.Type.TIMER
            || !Boolean.TRUE.equals(config.isPercentileHistogram())) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(false)
            .serviceLevelObjectives(nanos)
            .build()
            .merge(config);
      }
    };
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
