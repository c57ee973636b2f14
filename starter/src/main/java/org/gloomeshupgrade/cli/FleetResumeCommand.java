package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.common.v1.Link;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.List;
import java.util.Optional;
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
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Carry on a fleet that closed before it succeeded (terminated, failed, canceled, timed out, or "
          + "ended STOPPED or FINISHED_WITH_PROBLEMS): a new run of the same workflow ID with the same "
          + "request, which does not upgrade again the planes already at the target and skips the waves "
          + "that soaked whose planes still are.",
      "The latest run is checked here first, so one that cannot be carried on never starts a run."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:the new run started",
      "1:an error: Temporal cannot be reached, or the latest run cannot be read",
      ResumeCommand.STILL_RUNNING
          + ":the fleet is still running: answer it (gmu fleet continue) rather than resume it",
      ResumeCommand.NO_SUCH_RUN + ":there is no fleet of that name",
      ResumeCommand.NOT_RESUMABLE
          + ":the fleet cannot be carried on: it SUCCEEDED, or the workflow is not a fleet upgrade",
      ResumeCommand.INVALID_REQUEST
          + ":the request it was started with is not a valid fleet request"
    })
final class FleetResumeCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin FleetSelector fleet;

  @Option(
      names = "--task-queue",
      defaultValue = UpgradeNames.TASK_QUEUE,
      description = "default ${DEFAULT-VALUE}")
  String taskQueue;

  @Override
  public Integer call() {
    WorkflowClient client = temporal.client();
    try {
      Optional<FleetRun> found = FleetRun.latest(client, fleet.workflowId());
      if (found.isEmpty()) {
        return refuse(
            ResumeCommand.NO_SUCH_RUN,
            "no fleet named %s: there is no workflow %s in namespace %s"
                .formatted(fleet.name(), fleet.workflowId(), temporal.namespace()));
      }
      FleetRun earlier = found.get();
      Optional<FleetResumeRefusal> refusal =
          FleetResumeRefusal.of(fleet.name(), earlier, () -> earlier.outcome(client));
      if (refusal.isPresent()) {
        return refuse(refusal.get().exitCode(), refusal.get().message());
      }
      JsonNode request = earlier.request(client);
      FleetRequest parsed;
      try {
        parsed = FleetRequestParser.parse(request);
      } catch (InvalidRequestException e) {
        return refuse(
            ResumeCommand.INVALID_REQUEST,
            "the request of fleet %s (run %s) cannot be carried on: %s"
                .formatted(fleet.name(), earlier.runId(), String.join("; ", e.problems())));
      }
      FleetResume resume = new FleetResume(earlier.runId(), earlier.progress().soakedWaves());
      String newRun;
      try {
        newRun =
            WorkflowClient.start(
                    client.newWorkflowStub(GlooMeshFleetWorkflow.class, options(earlier, parsed))
                        ::upgrade,
                    request,
                    resume)
                .getRunId();
      } catch (WorkflowExecutionAlreadyStarted e) {
        return refuse(
            ResumeCommand.STILL_RUNNING,
            "another run of fleet %s started meanwhile: gmu fleet status --fleet %s"
                .formatted(fleet.name(), fleet.name()));
      }
      System.out.println(
          "resumed fleet %s: workflow %s run %s, carrying on run %s%s"
              .formatted(
                  fleet.name(),
                  fleet.workflowId(),
                  newRun,
                  earlier.runId(),
                  resume.soakedWaves().isEmpty()
                      ? ""
                      : "; waves not soaked again: " + String.join(", ", resume.soakedWaves())));
      System.out.println(FleetStartCommand.following(fleet.name()));
      return 0;
    } finally {
      temporal.close();
    }
  }

  private WorkflowOptions options(FleetRun earlier, FleetRequest parsed) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(fleet.workflowId())
        .setTaskQueue(taskQueue)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setStaticSummary(
            FleetStartCommand.summary(parsed) + ", carrying on run " + earlier.runId())
        // The Temporal UI shows the earlier run as a link from the new one.
        .setLinks(
            List.of(
                Link.newBuilder()
                    .setWorkflowEvent(
                        Link.WorkflowEvent.newBuilder()
                            .setNamespace(temporal.namespace())
                            .setWorkflowId(fleet.workflowId())
                            .setRunId(earlier.runId()))
                    .build()))
        .build();
  }

  private static int refuse(int exitCode, String message) {
    System.err.println("error: " + message);
    return exitCode;
  }
}
