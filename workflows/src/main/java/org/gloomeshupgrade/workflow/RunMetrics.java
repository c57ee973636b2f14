package org.gloomeshupgrade.workflow;

import com.uber.m3.tally.Scope;
import com.uber.m3.util.Duration;
import io.temporal.workflow.Workflow;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a run did, as metrics the worker exports: how long each step took and how it ended, each
 * gate opened, each approval gone overdue, each run's end. Emitted through the workflow's metrics
 * scope, which stays silent while a worker replays a history, so a restart or a cache eviction
 * never counts a step twice. Where runs are now (their step, their open gates and how long those
 * have waited) the worker reads from Temporal instead: a run that waits emits nothing.
 */
final class RunMetrics {
  static final String STEP_DURATION = "gloo_mesh_upgrade_step_duration";
  static final String GATES_OPENED = "gloo_mesh_upgrade_gates_opened";
  static final String APPROVALS_OVERDUE = "gloo_mesh_upgrade_approvals_overdue";
  static final String RUNS_ENDED = "gloo_mesh_upgrade_runs_ended";

  private final Map<Step, StepState> seen = new EnumMap<>(Step.class);
  private String gate = "";
  private boolean ended;

  /** Compares the run with what it was at the last change, and counts what changed. */
  void observe(UpgradeStatus now) {
    for (StepStatus step : now.steps()) {
      StepState before = seen.put(step.step(), step.state());
      if (step.state() != before && ended(step.state())) {
        scope()
            .tagged(Map.of("step", step.step().name(), "outcome", step.state().name()))
            .timer(STEP_DURATION)
            .record(Duration.ofMillis((double) step.elapsedMillis()));
      }
    }
    String open = now.gate() == null ? "" : now.gate();
    if (!open.isEmpty() && !open.equals(gate)) {
      scope()
          .tagged(
              Map.of(
                  "kind", now.state() == RunState.WAITING_FOR_APPROVAL ? "approval" : "decision"))
          .counter(GATES_OPENED)
          .inc(1);
    }
    gate = open;
    if (!ended && now.state().finished()) {
      ended = true;
      scope().tagged(Map.of("state", now.state().name())).counter(RUNS_ENDED).inc(1);
    }
  }

  /** The approval's reminder went by without an answer. */
  void approvalOverdue() {
    scope().counter(APPROVALS_OVERDUE).inc(1);
  }

  private static boolean ended(StepState state) {
    return state == StepState.SUCCEEDED || state == StepState.SKIPPED || state == StepState.FAILED;
  }

  private static Scope scope() {
    return Workflow.getMetricsScope();
  }
}
