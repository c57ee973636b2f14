package org.gloomeshupgrade.cli;

import org.gloomeshupgrade.workflow.UpgradeNames;
import picocli.CommandLine.Option;

/**
 * Which run a command is about: by workflow ID, or by the management context it was derived from.
 */
public final class RunSelector {
  @Option(
      names = {"-w", "--workflow-id"},
      description = "Workflow ID of the upgrade.")
  String workflowId;

  @Option(
      names = "--context",
      description = "Management cluster context; the workflow ID is gloo-mesh-upgrade-<context>.")
  String context;

  String workflowId() {
    if (workflowId != null && !workflowId.isBlank()) {
      return workflowId;
    }
    String ctx =
        context != null && !context.isBlank() ? context : Kubeconfigs.currentContext().orElse(null);
    if (ctx == null) {
      throw new IllegalArgumentException(
          "name the run with --workflow-id, or --context (no current-context found "
              + "in the kubeconfig)");
    }
    return UpgradeNames.workflowId(ctx);
  }
}
