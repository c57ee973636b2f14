package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.gloomeshupgrade.fleet.FleetRequest;
import org.gloomeshupgrade.fleet.FleetRequestParser;
import org.gloomeshupgrade.fleet.FleetResume;
import org.gloomeshupgrade.fleet.GlooMeshFleetWorkflow;
import org.gloomeshupgrade.request.InvalidRequestException;
import org.gloomeshupgrade.workflow.UpgradeNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = {
      "Start a fleet upgrade from a request file (YAML or JSON; docs/fleet.md).",
      "The request and every plane's upgrade request are checked here first, so a bad one never starts."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:the fleet started",
      "1:an error: Temporal cannot be reached, for example",
      "2:the file cannot be read, or the request is not valid (every bad field named)",
      FleetStartCommand.ALREADY_RUNNING + ":a fleet of that name is already running"
    })
final class FleetStartCommand implements Callable<Integer> {
  /** As gmu start's: a run of the workflow ID is in the way. */
  static final int ALREADY_RUNNING = 3;

  @Mixin TemporalConnection temporal;

  @Option(
      names = {"-f", "--file"},
      required = true,
      description = "The fleet request, YAML (JSON when its name ends with .json).")
  Path file;

  @Option(
      names = "--task-queue",
      defaultValue = UpgradeNames.TASK_QUEUE,
      description = "default ${DEFAULT-VALUE}")
  String taskQueue;

  @Override
  public Integer call() {
    JsonNode json;
    try {
      json = FleetRequestFile.read(file);
    } catch (IOException e) {
      System.err.println("error: " + FleetRequestFile.unreadable(file, e));
      return 2;
    }
    FleetRequest parsed;
    try {
      parsed = FleetRequestParser.parse(json);
    } catch (InvalidRequestException e) {
      System.err.println("error: " + FleetRequestFile.refusal(file, e.problems()));
      return 2;
    }
    String id = UpgradeNames.fleetWorkflowId(parsed.name());
    try {
      GlooMeshFleetWorkflow wf =
          temporal
              .client()
              .newWorkflowStub(
                  GlooMeshFleetWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(id)
                      .setTaskQueue(taskQueue)
                      .setWorkflowIdConflictPolicy(
                          WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
                      .setStaticSummary(summary(parsed))
                      .build());
      FleetResume none = null;
      var execution = WorkflowClient.start(wf::upgrade, json, none);
      System.out.println(
          "started fleet %s: %s, workflow %s run %s"
              .formatted(parsed.name(), summary(parsed), id, execution.getRunId()));
      System.out.println(following(parsed.name()));
      return 0;
    } catch (WorkflowExecutionAlreadyStarted e) {
      System.err.println(
          "error: a fleet named %s is already running as workflow %s (one at a time per name): gmu fleet status --fleet %s"
              .formatted(parsed.name(), id, parsed.name()));
      return ALREADY_RUNNING;
    } finally {
      temporal.close();
    }
  }

  /** The fleet in a line, as the Temporal UI lists it. */
  static String summary(FleetRequest fleet) {
    int planes = fleet.planes().size();
    int waves = fleet.waves().size();
    return "%d plane%s in %d wave%s to %s, approval %s"
        .formatted(
            planes,
            planes == 1 ? "" : "s",
            waves,
            waves == 1 ? "" : "s",
            fleet.targetVersion(),
            fleet.approval().wireName());
  }

  static String following(String fleet) {
    return """
        follow it:  gmu fleet watch --fleet %1$s
                    gmu fleet status --fleet %1$s"""
        .formatted(fleet);
  }
}
