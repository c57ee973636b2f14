package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.api.common.v1.Link;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.gloomeshupgrade.request.InvalidRequestException;
import org.gloomeshupgrade.request.ResumeFrom;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.gloomeshupgrade.resume.EarlierRun;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradePlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Carry on an upgrade run that stopped before the end (failed, terminated, timed out, canceled, or "
          + "completed without succeeding): a new run of the same workflow ID with the same request, which checks that "
          + "the steps the earlier run finished still hold on the cluster and goes on from the first that is not done.",
      "The earlier run is checked here first, so one that cannot be carried on never starts a run."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:the new run started (with --watch: the exit codes of gmu watch from then on)",
      "1:an error: Temporal cannot be reached, or the earlier run cannot be read",
      ResumeCommand.STILL_RUNNING
          + ":the run is still running, or another run of the workflow ID is: answer it "
          + "(gmu status) or terminate it first",
      ResumeCommand.NO_SUCH_RUN + ":there is no such run (workflow ID, or --run-id)",
      ResumeCommand.NOT_RESUMABLE
          + ":the run cannot be carried on: not a Gloo Mesh upgrade, it ended SUCCEEDED, "
          + "DRY_RUN_COMPLETE or ROLLED_BACK, or it kept no resume point",
      ResumeCommand.INVALID_REQUEST
          + ":the earlier request, carried on, is not a valid request (for example a dry "
          + "run, which has nothing to carry on)"
    })
final class ResumeCommand implements Callable<Integer> {
  /** As gmu start's: a run of the workflow ID is in the way. */
  static final int STILL_RUNNING = 3;

  static final int NO_SUCH_RUN = 4;
  static final int NOT_RESUMABLE = 5;
  static final int INVALID_REQUEST = 6;

  /** The memo key naming, on the new run, the run it carries on ("workflowId/runId"). */
  static final String MEMO_RESUMED_FROM = "resumedFrom";

  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;

  @Option(
      names = "--run-id",
      description = "The run to carry on (default: the latest run of the workflow ID).")
  String runId;

  @Option(
      names = "--requested-by",
      defaultValue = "${sys:user.name}",
      description =
          "Who asks for the new run, who may then not approve it (default: your user name).")
  String requestedBy;

  @Option(
      names = "--task-queue",
      defaultValue = UpgradeNames.TASK_QUEUE,
      description = "default ${DEFAULT-VALUE}")
  String taskQueue;

  @Option(names = "--watch", description = "Follow the new run as gmu watch does.")
  boolean watch;

  @Mixin WatchInterval interval;

  @Override
  public Integer call() throws Exception {
    // Checked before anything starts: a bad interval must not leave a new run unwatched.
    Duration every = interval.duration();
    String id = run.workflowId();
    String asked = runId == null ? "" : runId.trim();
    WorkflowClient client = temporal.client();
    try {
      Optional<EarlierRun> found = EarlierRun.find(client, id, asked);
      if (found.isEmpty()) {
        return refuse(
            NO_SUCH_RUN,
            "no such upgrade run: "
                + (asked.isEmpty() ? id : id + "/" + asked)
                + " in namespace "
                + temporal.namespace());
      }
      EarlierRun earlier = found.get();
      Optional<ResumeRefusal> refusal = ResumeRefusal.of(earlier);
      if (refusal.isPresent()) {
        return refuse(refusal.get().exitCode(), refusal.get().message());
      }
      ObjectNode json = carryingOn(earlier.request(client), earlier.resumeFrom(), requestedBy);
      UpgradeRequest parsed;
      try {
        parsed = UpgradeRequestParser.parse(json);
      } catch (InvalidRequestException e) {
        return refuse(
            INVALID_REQUEST,
            "the request of run " + earlier.name() + " cannot be carried on: " + e.getMessage());
      }
      String newRun;
      try {
        newRun =
            WorkflowClient.start(
                    client.newWorkflowStub(GlooMeshUpgradeWorkflow.class, options(earlier, parsed))
                        ::upgrade,
                    json)
                .getRunId();
      } catch (WorkflowExecutionAlreadyStarted e) {
        return refuse(
            STILL_RUNNING,
            "an upgrade is already running as workflow "
                + id
                + " (one at a time per management cluster): gmu status -w "
                + id);
      }
      System.out.println(
          "resumed the upgrade to "
              + parsed.targetVersion()
              + ": workflow "
              + id
              + " run "
              + newRun
              + ", carrying on run "
              + earlier.name());
      System.out.println("follow it:  gmu status -w " + id);
      System.out.println("            gmu watch -w " + id);
      if (!watch) {
        return 0;
      }
      return WatchCommand.follow(
          client.newWorkflowStub(GlooMeshUpgradeWorkflow.class, id, Optional.of(newRun)), every);
    } finally {
      temporal.close();
    }
  }

  /**
   * The earlier run's request as it was started, naming the run it carries on and who asks now;
   * every other field stays, so that the workflow finds the same upgrade.
   */
  static ObjectNode carryingOn(ObjectNode earlier, ResumeFrom from, String requestedBy) {
    ObjectNode request = earlier.deepCopy();
    request.putObject("resumeFrom").put("workflowId", from.workflowId()).put("runId", from.runId());
    if (requestedBy == null || requestedBy.isBlank()) {
      // The earlier requester is not who asks now.
      request.remove("requestedBy");
    } else {
      request.put("requestedBy", requestedBy);
    }
    return request;
  }

  private WorkflowOptions options(EarlierRun earlier, UpgradeRequest parsed) {
    String context = StartCommand.contextOf(parsed, earlier.workflowId());
    return WorkflowOptions.newBuilder()
        .setWorkflowId(earlier.workflowId())
        .setTaskQueue(taskQueue)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setStaticSummary(
            UpgradePlan.summary(parsed, context) + ", carrying on run " + earlier.runId())
        .setStaticDetails(
            UpgradePlan.markdown(parsed, context)
                + "\n\nCarries on run `"
                + earlier.name()
                + "`: the steps it finished are not done again while their end state holds.")
        .setMemo(Map.of(MEMO_RESUMED_FROM, earlier.name()))
        // The Temporal UI shows the earlier run as a link from the new one.
        .setLinks(
            List.of(
                Link.newBuilder()
                    .setWorkflowEvent(
                        Link.WorkflowEvent.newBuilder()
                            .setNamespace(temporal.namespace())
                            .setWorkflowId(earlier.workflowId())
                            .setRunId(earlier.runId()))
                    .build()))
        .build();
  }

  private static int refuse(int exitCode, String message) {
    System.err.println("error: " + message);
    return exitCode;
  }
}
