package org.gloomeshupgrade.metrics;

import io.grpc.health.v1.HealthCheckResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether Temporal answers the worker's health check, asked at most every {@link #EVERY}: probes
 * come every few seconds from each kubelet, and a frontend needs no more than that.
 */
public final class TemporalHealth {
  static final Duration EVERY = Duration.ofSeconds(5);

  private final WorkflowServiceStubs service;
  private Instant checkedAt = Instant.MIN;
  private Optional<String> problem = Optional.of("not checked yet");

  public TemporalHealth(WorkflowServiceStubs service) {
    this.service = service;
  }

  /** Empty when Temporal answered SERVING at the last check. */
  public synchronized Optional<String> problem() {
    Instant now = Instant.now();
    if (Duration.between(checkedAt, now).compareTo(EVERY) >= 0) {
      checkedAt = now;
      problem = check();
    }
    return problem;
  }

  private Optional<String> check() {
    try {
      HealthCheckResponse answer = service.healthCheck();
      return answer.getStatus() == HealthCheckResponse.ServingStatus.SERVING
          ? Optional.empty()
          : Optional.of("Temporal answers its health check with " + answer.getStatus());
    } catch (RuntimeException e) {
      return Optional.of("Temporal does not answer its health check: " + e.getMessage());
    }
  }
}
