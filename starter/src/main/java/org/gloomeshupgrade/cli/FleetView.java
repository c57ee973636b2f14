package org.gloomeshupgrade.cli;

import io.temporal.client.WorkflowClient;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.GlooMeshFleetWorkflow;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.PlaneStatus;
import org.gloomeshupgrade.fleet.WaveStatus;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * A fleet as {@code gmu fleet status} and {@code gmu fleet watch} show it.
 *
 * @param fleet the fleet's name, as asked for
 * @param status the fleet's status query
 * @param closedAs how the fleet's run closed (TERMINATED, COMPLETED, ...); "" while it runs
 * @param liveSteps by context, the step each running plane's own run is at now: the fleet hears of
 *     a plane's changes of state, not of each step
 * @param unasked by context, why a running plane's own run could not be asked
 */
record FleetView(
    String fleet,
    FleetStatus status,
    String closedAs,
    Map<String, Step> liveSteps,
    Map<String, String> unasked) {
  FleetView {
    // In wave order, as the rows are.
    liveSteps = Collections.unmodifiableMap(new LinkedHashMap<>(liveSteps));
    unasked = Collections.unmodifiableMap(new LinkedHashMap<>(unasked));
  }

  /** The fleet's latest run, and each of its running planes' own runs. */
  static FleetView read(WorkflowClient client, FleetSelector selector, String namespace) {
    FleetRun run = selector.latest(client, namespace);
    FleetStatus status =
        client
            .newWorkflowStub(
                GlooMeshFleetWorkflow.class, selector.workflowId(), Optional.of(run.runId()))
            .status();
    Map<String, Step> live = new LinkedHashMap<>();
    Map<String, String> unasked = new LinkedHashMap<>();
    for (WaveStatus wave : status.waves()) {
      for (PlaneStatus plane : wave.planes()) {
        if (plane.state() != PlaneState.RUNNING) {
          continue;
        }
        try {
          live.put(plane.context(), planeRun(client, plane).status().currentStep());
        } catch (RuntimeException e) {
          // The fleet's own view stands; one plane that cannot be asked must not hide it.
          unasked.put(plane.context(), CliErrors.describe(e));
        }
      }
    }
    return new FleetView(
        selector.name(), status, run.open() ? "" : run.statusName(), live, unasked);
  }

  private static GlooMeshUpgradeWorkflow planeRun(WorkflowClient client, PlaneStatus plane) {
    String runId = plane.runId() == null ? "" : plane.runId();
    return client.newWorkflowStub(
        GlooMeshUpgradeWorkflow.class,
        UpgradeNames.workflowId(plane.context()),
        runId.isEmpty() ? Optional.empty() : Optional.of(runId));
  }
}
