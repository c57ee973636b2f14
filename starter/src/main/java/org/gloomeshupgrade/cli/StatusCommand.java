package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.concurrent.Callable;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.backup.RestoreStatus;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show an upgrade's full status.")
final class StatusCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;

  @Option(names = "--json", description = "Print the status query's JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String id = run.workflowId();
    try {
      if (UpgradeNames.isRestoreWorkflowId(id)) {
        RestoreStatus restore =
            temporal.client().newWorkflowStub(GlooMeshRestoreWorkflow.class, id).status();
        System.out.println(
            json
                ? new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(restore)
                : "workflow %s\n%s".formatted(id, StatusRenderer.render(restore)));
        return 0;
      }
      UpgradeStatus status =
          temporal.client().newWorkflowStub(GlooMeshUpgradeWorkflow.class, id).status();
      if (json) {
        System.out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(status));
      } else {
        System.out.println("workflow " + id);
        System.out.println(StatusRenderer.render(status));
      }
      return 0;
    } finally {
      temporal.close();
    }
  }
}
