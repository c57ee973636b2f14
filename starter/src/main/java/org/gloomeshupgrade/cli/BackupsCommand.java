package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.temporal.client.WorkflowOptions;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.gloomeshupgrade.backup.BackupList;
import org.gloomeshupgrade.backup.BackupListInput;
import org.gloomeshupgrade.backup.BackupSummary;
import org.gloomeshupgrade.backup.GlooMeshBackupListWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "backups",
    mixinStandardHelpOptions = true,
    description =
        "List a management cluster's backups, newest first: the worker reads them, as it holds the"
            + " credentials.")
final class BackupsCommand implements Callable<Integer> {
  private static final String ROW = "%-58s  %-20s  %-8s  %-8s  %9s  %9s  %s";

  @Mixin TemporalConnection temporal;

  @Option(
      names = "--context",
      description = "Management cluster context (default: the kubeconfig's current-context).")
  String context;

  @Option(
      names = "--mesh-namespace",
      description = "Gloo Mesh namespace holding the backups (default: the worker's default).")
  String meshNamespace;

  @Option(names = "--json", description = "Print the list as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String ctx =
        context != null && !context.isBlank() ? context : Kubeconfigs.currentContext().orElse("");
    try {
      BackupList list =
          temporal
              .client()
              .newWorkflowStub(
                  GlooMeshBackupListWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(
                          UpgradeNames.backupListWorkflowId(
                              ctx.isEmpty() ? "default" : ctx, UUID.randomUUID().toString()))
                      .setTaskQueue(UpgradeNames.TASK_QUEUE)
                      .build())
              .list(new BackupListInput(ctx, meshNamespace));
      System.out.println(
          json
              ? new ObjectMapper()
                  .enable(SerializationFeature.INDENT_OUTPUT)
                  .writeValueAsString(list)
              : render(list));
      return 0;
    } finally {
      temporal.close();
    }
  }

  static String render(BackupList list) {
    StringBuilder out =
        new StringBuilder(
            "%d backup(s) in %s on %s; the worker keeps %s"
                .formatted(
                    list.backups().size(),
                    list.namespace(),
                    list.context(),
                    list.keep() == 0 ? "all" : "the newest " + list.keep()));
    if (list.backups().isEmpty()) {
      return out.toString();
    }
    out.append('\n')
        .append(ROW.formatted("BACKUP", "TAKEN", "FROM", "TO", "RESOURCES", "SIZE", ""))
        .append('\n');
    for (BackupSummary b : list.backups()) {
      out.append(
              ROW.formatted(
                      b.backupId(),
                      b.takenAt().replaceFirst("\\.\\d+Z$", "Z"),
                      b.fromVersion().isEmpty() ? "-" : b.fromVersion(),
                      b.targetVersion().isEmpty() ? "-" : b.targetVersion(),
                      b.resources() < 0 ? "-" : String.valueOf(b.resources()),
                      size(b.bytes()),
                      b.problem().isEmpty() ? "" : "NOT RESTORABLE: " + b.problem())
                  .stripTrailing())
          .append('\n');
    }
    out.append("restore one with: gmu restore --backup <BACKUP> --reason <why>");
    return out.toString();
  }

  private static String size(long bytes) {
    return bytes < 1024 ? bytes + " B" : "%.1f KiB".formatted(bytes / 1024.0);
  }
}
