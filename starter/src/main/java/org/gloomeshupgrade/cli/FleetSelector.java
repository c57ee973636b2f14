package org.gloomeshupgrade.cli;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import org.gloomeshupgrade.workflow.UpgradeNames;
import picocli.CommandLine.Option;

/** Which fleet a command is about: by the name its request gave it. */
public final class FleetSelector {
  @Option(
      names = "--fleet",
      required = true,
      description =
          "The fleet's name, as its request gives it; its workflow ID is gloo-mesh-fleet-<name>.")
  String name;

  String name() {
    return name.trim();
  }

  String workflowId() {
    return UpgradeNames.fleetWorkflowId(name());
  }

  /** The fleet's latest run; throws, naming the fleet, when there is none. */
  FleetRun latest(WorkflowClient client, String namespace) {
    return FleetRun.latest(client, workflowId())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no fleet named %s: there is no workflow %s in namespace %s (gmu fleet start -f FILE starts one)"
                        .formatted(name(), workflowId(), namespace)));
  }

  /**
   * The fleet's latest run while it runs; throws when it has closed, since an answer can only reach
   * a running fleet.
   */
  FleetRun running(WorkflowClient client, String namespace) {
    FleetRun run = latest(client, namespace);
    if (run.status() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new IllegalStateException(
          """
          fleet %s is not running: its latest run %s is %s; gmu fleet status --fleet %s shows where \
          it stopped, and gmu fleet resume --fleet %s carries on a fleet that did not succeed"""
              .formatted(name(), run.runId(), run.statusName(), name(), name()));
    }
    return run;
  }
}
