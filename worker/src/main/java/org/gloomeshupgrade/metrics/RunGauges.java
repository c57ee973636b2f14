package org.gloomeshupgrade.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeSearchAttributes;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the open upgrade runs on the worker's task queue are now: how many are in each state, the
 * step each is in, each open gate and how long it has waited, how many approvals are overdue. Read
 * from Temporal (its visibility for every run, the status query for runs at a gate) on a schedule,
 * not from the workflow code: a run that waits emits nothing, and after a worker restart its state
 * would be unknown until it moves. Every worker on the queue reports every run, so sum nothing
 * across workers: take the max by {@code workflow_id}.
 */
public final class RunGauges implements AutoCloseable {
  public static final String RUNS = "gloo_mesh_upgrade_runs";
  public static final String RUN_STEP = "gloo_mesh_upgrade_run_step";
  public static final String GATE_WAIT = "gloo_mesh_upgrade_gate_wait_seconds";
  public static final String OVERDUE_APPROVALS = "gloo_mesh_upgrade_overdue_approvals";
  public static final String READ_FAILURES = "gloo_mesh_upgrade_run_reads_failed";

  /** Often enough for a dashboard, rare enough that a query per waiting run costs little. */
  public static final Duration EVERY = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(RunGauges.class);
  private static final List<RunState> OPEN =
      List.of(RunState.RUNNING, RunState.WAITING_FOR_APPROVAL, RunState.NEEDS_ATTENTION);

  private final WorkflowClient client;
  private final String query;
  private final Clock clock;
  private final MultiGauge runs;
  private final MultiGauge steps;
  private final MultiGauge gates;
  private final MultiGauge overdue;
  private final Counter failures;
  private final ScheduledExecutorService schedule;

  private RunGauges(WorkflowClient client, String taskQueue, MeterRegistry registry, Clock clock) {
    this.client = client;
    this.clock = clock;
    this.query =
        "WorkflowType = '%s' AND ExecutionStatus = 'Running' AND TaskQueue = '%s'"
            .formatted(UpgradeNames.WORKFLOW_TYPE, taskQueue.replace("'", "\\'"));
    runs = MultiGauge.builder(RUNS).description("Open upgrade runs, by state").register(registry);
    steps =
        MultiGauge.builder(RUN_STEP)
            .description(
                "The runbook step number (0-11) each open run is in; the step tag names it")
            .register(registry);
    gates =
        MultiGauge.builder(GATE_WAIT)
            .description("How long each open gate (approval or decision) has waited for a person")
            .baseUnit("seconds")
            .register(registry);
    overdue =
        MultiGauge.builder(OVERDUE_APPROVALS)
            .description("Approvals still awaited after their reminder")
            .register(registry);
    failures =
        Counter.builder(READ_FAILURES)
            .description("Reads of the open runs from Temporal that failed")
            .register(registry);
    schedule =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "run-gauges");
              t.setDaemon(true);
              return t;
            });
  }

  /** Reads the runs now and then every {@link #EVERY}. */
  public static RunGauges start(WorkflowClient client, String taskQueue, MeterRegistry registry) {
    RunGauges gauges = new RunGauges(client, taskQueue, registry, Clock.systemUTC());
    gauges.schedule.scheduleWithFixedDelay(
        gauges::readSafely, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return gauges;
  }

  private void readSafely() {
    try {
      read();
    } catch (RuntimeException e) {
      failures.increment();
      log.warn("metrics: cannot read the open upgrade runs from Temporal: {}", e.toString());
    }
  }

  /** One read: every open run from visibility, and the status of those at a gate. */
  void read() {
    Map<RunState, Integer> byState = new EnumMap<>(RunState.class);
    OPEN.forEach(s -> byState.put(s, 0));
    List<MultiGauge.Row<?>> stepRows = new ArrayList<>();
    List<MultiGauge.Row<?>> gateRows = new ArrayList<>();
    int overdueCount = 0;
    List<WorkflowExecutionMetadata> open = client.listExecutions(query).toList();
    for (WorkflowExecutionMetadata run : open) {
      String id = run.getExecution().getWorkflowId();
      RunState state = state(run.getTypedSearchAttributes().get(UpgradeSearchAttributes.STATE));
      byState.merge(state, 1, Integer::sum);
      Step step = step(run.getTypedSearchAttributes().get(UpgradeSearchAttributes.STEP));
      if (step != null) {
        stepRows.add(
            MultiGauge.Row.of(Tags.of("workflow_id", id, "step", step.name()), step.number()));
      }
      if (Boolean.TRUE.equals(
          run.getTypedSearchAttributes().get(UpgradeSearchAttributes.APPROVAL_OVERDUE))) {
        overdueCount++;
      }
      if (state == RunState.WAITING_FOR_APPROVAL || state == RunState.NEEDS_ATTENTION) {
        gateOf(run).ifPresent(gateRows::add);
      }
    }
    List<MultiGauge.Row<?>> stateRows = new ArrayList<>();
    byState.forEach((s, n) -> stateRows.add(MultiGauge.Row.of(Tags.of("state", s.name()), n)));
    runs.register(stateRows, true);
    steps.register(stepRows, true);
    gates.register(gateRows, true);
    overdue.register(List.of(MultiGauge.Row.of(Tags.empty(), overdueCount)), true);
  }

  /** The run's open gate and its wait, read with the status query; empty when it has none. */
  private Optional<MultiGauge.Row<?>> gateOf(WorkflowExecutionMetadata run) {
    String id = run.getExecution().getWorkflowId();
    UpgradeStatus status;
    try {
      status =
          client
              .newWorkflowStub(
                  GlooMeshUpgradeWorkflow.class, id, Optional.of(run.getExecution().getRunId()))
              .status();
    } catch (RuntimeException e) {
      failures.increment();
      log.warn("metrics: cannot read the status of {}: {}", id, e.toString());
      return Optional.empty();
    }
    if (status.gate() == null
        || status.gate().isEmpty()
        || status.gateOpenedAt() == null
        || status.gateOpenedAt().isEmpty()) {
      return Optional.empty();
    }
    Instant opened = Instant.parse(status.gateOpenedAt());
    String kind = status.state() == RunState.WAITING_FOR_APPROVAL ? "approval" : "decision";
    return Optional.of(
        MultiGauge.Row.of(
            Tags.of("workflow_id", id, "gate", status.gate(), "kind", kind),
            opened,
            o -> Duration.between(o, clock.instant()).toMillis() / 1000.0));
  }

  private static RunState state(String name) {
    try {
      return name == null ? RunState.RUNNING : RunState.valueOf(name);
    } catch (IllegalArgumentException e) {
      return RunState.RUNNING;
    }
  }

  private static Step step(String name) {
    try {
      return name == null ? null : Step.valueOf(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void close() {
    schedule.shutdownNow();
  }
}
