package org.gloomeshupgrade.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
  @Test
  void aTimerAskingForAPercentileHistogramGetsTheWorkersFourteenBuckets() {
    try (WorkerMetrics metrics = WorkerMetrics.create()) {
      // As the SDK's MicrometerClientStatsReporter registers each of its timers.
      Timer.builder("temporal_request_latency")
          .publishPercentileHistogram(true)
          .register(metrics.registry())
          .record(Duration.ofMinutes(20));

      String scrape = metrics.scrape();

      assertThat(
              scrape.lines().filter(l -> l.startsWith("temporal_request_latency_seconds_bucket")))
          .hasSize(WorkerMetrics.BUCKETS.size() + 1)
          .anySatisfy(l -> assertThat(l).contains("le=\"3600.0\"").endsWith(" 1.0"))
          .anySatisfy(l -> assertThat(l).contains("le=\"900.0\"").endsWith(" 0.0"));
    }
  }
}
