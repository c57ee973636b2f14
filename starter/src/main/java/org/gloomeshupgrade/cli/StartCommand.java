package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.concurrent.Callable;
import org.gloomeshupgrade.request.InvalidRequestException;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradePlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = "Start an upgrade. The request is checked here first, so a bad one never starts.")
final class StartCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin RequestOptions request;

  @Option(
      names = {"-w", "--workflow-id"},
      description = "Workflow ID (default gloo-mesh-upgrade-<context>).")
  String workflowId;

  @Option(
      names = "--task-queue",
      defaultValue = UpgradeNames.TASK_QUEUE,
      description = "default ${DEFAULT-VALUE}")
  String taskQueue;

  /**
   * The management context the run will use, for people: the request's, else the one its workflow
   * ID names.
   */
  static String contextOf(UpgradeRequest parsed, String workflowId) {
    return !parsed.managementContext().isEmpty()
        ? parsed.managementContext()
        : workflowId.replaceFirst("^" + UpgradeNames.workflowId(""), "");
  }

  @Override
  public Integer call() throws Exception {
    ObjectNode json = request.toJson();
    UpgradeRequest parsed;
    try {
      parsed = UpgradeRequestParser.parse(json);
    } catch (InvalidRequestException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    String id = workflowId;
    if (id == null) {
      String ctx =
          !parsed.managementContext().isEmpty()
              ? parsed.managementContext()
              : Kubeconfigs.currentContext().orElse(null);
      if (ctx == null) {
        System.err.println(
            "error: give --context (the management cluster's kubeconfig context) or --workflow-id");
        return 2;
      }
      id = UpgradeNames.workflowId(ctx);
    }
    WorkflowClient client = temporal.client();
    try {
      GlooMeshUpgradeWorkflow wf =
          client.newWorkflowStub(
              GlooMeshUpgradeWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(taskQueue)
                  .setWorkflowIdConflictPolicy(
                      WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
                  .setStaticSummary(UpgradePlan.summary(parsed, contextOf(parsed, id)))
                  .setStaticDetails(UpgradePlan.markdown(parsed, contextOf(parsed, id)))
                  .build());
      var execution = WorkflowClient.start(wf::upgrade, json);
      System.out.println(
          "started upgrade to "
              + parsed.targetVersion()
              + ": workflow "
              + id
              + " run "
              + execution.getRunId());
      System.out.println("follow it:  gmu status -w " + id);
      return 0;
    } catch (WorkflowExecutionAlreadyStarted e) {
      System.err.println(
          "error: an upgrade is already running as workflow "
              + id
              + " (one at a time per management cluster): gmu status -w "
              + id);
      return 3;
    } finally {
      temporal.close();
    }
  }
}
