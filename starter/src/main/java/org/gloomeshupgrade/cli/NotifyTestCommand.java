package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.gloomeshupgrade.notify.NotifyTestRequest;
import org.gloomeshupgrade.notify.NotifyTestResult;
import org.gloomeshupgrade.notify.NotifyTestWorkflow;
import org.gloomeshupgrade.workflow.UpgradeActivityOptions;
import org.gloomeshupgrade.workflow.UpgradeNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "notify-test",
    mixinStandardHelpOptions = true,
    description = {
      "Send a sample notification to the destinations the worker has: the worker sends it, with"
          + " its own files, variables and network, as it would for a run.",
      "Exit codes: 0 every destination took it, 1 one did not."
    })
final class NotifyTestCommand implements Callable<Integer> {
  private static final String ROW = "%-24s  %-8s  %-13s  %s";

  /** Every destination at once, each within the notification timeout, and a margin. */
  private static final Duration WAIT = UpgradeActivityOptions.NOTIFICATION_TIMEOUT.plusSeconds(30);

  @Mixin TemporalConnection temporal;

  @Option(
      names = "--destination",
      description = "Only this destination, by its name in the worker's notifications file.")
  String destination;

  @Option(
      names = "--by",
      defaultValue = "${sys:user.name}",
      description = "Who asks; the sample says so (default: your user name).")
  String by;

  @Option(
      names = "--note",
      description = "Text the sample carries, as a request's notifyNote (a channel, a mention).")
  String note;

  @Option(names = "--json", description = "Print the results as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try {
      List<NotifyTestResult> results =
          temporal
              .client()
              .newWorkflowStub(
                  NotifyTestWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(
                          UpgradeNames.notifyTestWorkflowId(UUID.randomUUID().toString()))
                      .setTaskQueue(UpgradeNames.TASK_QUEUE)
                      .setWorkflowExecutionTimeout(WAIT)
                      .build())
              .sendSamples(
                  new NotifyTestRequest(
                      by == null ? "" : by,
                      destination == null ? "" : destination,
                      note == null ? "" : note));
      System.out.println(
          json
              ? new ObjectMapper()
                  .enable(SerializationFeature.INDENT_OUTPUT)
                  .writeValueAsString(results)
              : render(results));
      return results.stream().allMatch(NotifyTestResult::delivered) ? 0 : 1;
    } finally {
      temporal.close();
    }
  }

  static String render(List<NotifyTestResult> results) {
    StringBuilder out =
        new StringBuilder(ROW.formatted("DESTINATION", "KIND", "RESULT", "DETAIL").stripTrailing());
    for (NotifyTestResult r : results) {
      out.append('\n')
          .append(
              ROW.formatted(
                      r.destination(),
                      r.kind(),
                      r.delivered() ? "delivered" : "NOT DELIVERED",
                      r.detail())
                  .stripTrailing());
    }
    return out.toString();
  }
}
