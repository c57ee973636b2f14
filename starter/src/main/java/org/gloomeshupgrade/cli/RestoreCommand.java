package org.gloomeshupgrade.cli;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.util.concurrent.Callable;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.backup.RestoreInput;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.request.RequestDefaults;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description =
        "Put back the configuration an upgrade saved before its first change (spec, labels, annotations);"
            + " running it again changes nothing more.")
final class RestoreCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;

  @Option(
      names = "--mesh-namespace",
      description =
          "Gloo Mesh namespace holding the backup (default: the upgrade's,"
              + " else "
              + RequestDefaults.NAMESPACE
              + ").")
  String meshNamespace;

  @Override
  public Integer call() {
    String upgradeId = run.workflowId();
    try {
      WorkflowClient client = temporal.client();
      String context = run.context;
      if (context == null || context.isBlank()) {
        // The upgrade's own status says which cluster it ran
        // on; a run past retention leaves the worker's default.
        context = managementContextOf(client, upgradeId);
      }
      GlooMeshRestoreWorkflow restore =
          client.newWorkflowStub(
              GlooMeshRestoreWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(UpgradeNames.restoreWorkflowId(upgradeId))
                  .setTaskQueue(UpgradeNames.TASK_QUEUE)
                  .setWorkflowIdReusePolicy(
                      WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                  .build());
      RestoreResult result = restore.restore(new RestoreInput(context, meshNamespace, upgradeId));
      System.out.println(render(result));
      return 0;
    } finally {
      temporal.close();
    }
  }

  private static String managementContextOf(WorkflowClient client, String upgradeId) {
    try {
      String context =
          client
              .newWorkflowStub(GlooMeshUpgradeWorkflow.class, upgradeId)
              .status()
              .managementContext();
      return context == null ? "" : context;
    } catch (RuntimeException unknownRun) {
      return "";
    }
  }

  static String render(RestoreResult result) {
    StringBuilder out =
        new StringBuilder(
            "restored the backup of "
                + result.backupId()
                + ": "
                + result.created().size()
                + " created, "
                + result.updated().size()
                + " updated, "
                + result.unchanged()
                + " unchanged");
    result.created().forEach(id -> out.append("\n  created  ").append(id));
    result.updated().forEach(id -> out.append("\n  updated  ").append(id));
    return out.toString();
  }
}
