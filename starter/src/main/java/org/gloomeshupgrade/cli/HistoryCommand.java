package org.gloomeshupgrade.cli;

import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Export a run's full history as JSON, as temporal workflow show -o json writes it: for gmu replay, "
          + "Temporal's replayer, or a bug report."
    })
final class HistoryCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;

  @Option(names = "--run-id", description = "A run of the workflow ID other than its latest.")
  String runId;

  @Option(
      names = {"-o", "--output"},
      description = "Write to this file instead of standard output.")
  Path output;

  @Override
  public Integer call() throws Exception {
    String id = run.workflowId();
    try {
      String json = export(temporal.client(), id, runId);
      if (output == null) {
        System.out.println(json);
      } else {
        Files.writeString(output, json + System.lineSeparator(), StandardCharsets.UTF_8);
        System.out.println("history of " + id + " written to " + output);
      }
      return 0;
    } finally {
      temporal.close();
    }
  }

  /**
   * The history of a run (its latest when {@code runId} is null or empty), as pretty-printed JSON.
   */
  static String export(WorkflowClient client, String workflowId, String runId) {
    WorkflowExecutionHistory history =
        runId == null || runId.isBlank()
            ? client.fetchHistory(workflowId)
            : client.fetchHistory(workflowId, runId);
    return history.toJson(true);
  }
}
