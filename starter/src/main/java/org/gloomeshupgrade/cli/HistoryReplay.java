package org.gloomeshupgrade.cli;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gloomeshupgrade.backup.GlooMeshBackupListWorkflowImpl;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflowImpl;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflowImpl;
import org.gloomeshupgrade.workflow.ReplayableHistory;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * Replays a recorded history against workflow code, and says whether, and where, the code no longer
 * fits it.
 */
final class HistoryReplay {
  /** The workflow code each recorded workflow type runs today. */
  static final Map<String, Class<?>> WORKFLOWS =
      Map.of(
          UpgradeNames.WORKFLOW_TYPE, GlooMeshUpgradeWorkflowImpl.class,
          UpgradeNames.RESTORE_WORKFLOW_TYPE, GlooMeshRestoreWorkflowImpl.class,
          UpgradeNames.BACKUP_LIST_WORKFLOW_TYPE, GlooMeshBackupListWorkflowImpl.class);

  /** The SDK's code for non-determinism, which starts each of its messages about it. */
  private static final String NON_DETERMINISM = "[TMPRL1100]";

  private static final Pattern EVENT = Pattern.compile("handling event (\\d+) of type '(\\w+)'");
  private static final Pattern EVENT_ID = Pattern.compile("EventId=(\\d+)");
  private static final Pattern MISMATCH =
      Pattern.compile(
          "on check (\\w+) with an expected value '(.*?)' and an actual value '(.*?)'",
          Pattern.DOTALL);

  /** The replayer's query failure carries the worker's stack trace in its message. */
  private static final Pattern STACK_TRACE = Pattern.compile("\\s+at [\\w$.]+\\(");

  private static final Pattern PROTO_NAME = Pattern.compile("name: \"(.*)\"");

  /**
   * Where the code and the history part.
   *
   * @param event the history event, "event 18 (EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)", "" when the
   *     SDK names none
   * @param mismatch what the history holds against what the code did, "" when the SDK does not say
   * @param message the SDK's own message, without its codes
   */
  record Divergence(String event, String mismatch, String message) {}

  private HistoryReplay() {}

  static String workflowType(String historyJson) {
    WorkflowExecutionHistory history = parse(historyJson);
    if (history.getEvents().isEmpty()
        || !history.getEvents().get(0).hasWorkflowExecutionStartedEventAttributes()) {
      throw new IllegalArgumentException(
          "not a whole workflow history: its first event is not the start");
    }
    return history
        .getEvents()
        .get(0)
        .getWorkflowExecutionStartedEventAttributes()
        .getWorkflowType()
        .getName();
  }

  /** The workflow code for a recorded workflow type; refuses a type this project does not run. */
  static Class<?> workflowFor(String workflowType) {
    Class<?> workflow = WORKFLOWS.get(workflowType);
    if (workflow == null) {
      throw new IllegalArgumentException(
          "workflow type "
              + workflowType
              + " is not one of ours ("
              + String.join(", ", new TreeSet<>(WORKFLOWS.keySet()))
              + ")");
    }
    return workflow;
  }

  /**
   * Whether the history is of a terminated run, which the replayer takes without its last event.
   */
  static boolean terminated(String historyJson) {
    return ReplayableHistory.terminated(parse(historyJson));
  }

  /**
   * Empty when the code replays the history; a failure that is not non-determinism (a broken
   * history, the code crashing) is thrown as it is.
   */
  static Optional<Divergence> replay(String historyJson, Class<?> workflow) throws Exception {
    WorkflowExecutionHistory history = ReplayableHistory.of(parse(historyJson));
    try {
      WorkflowReplayer.replayWorkflowExecution(history, workflow);
      return Optional.empty();
    } catch (RuntimeException e) {
      // The replayer reports it inside the message of a query failure, not as a cause.
      String message = nonDeterminism(e).orElseThrow(() -> e);
      return Optional.of(divergence(message));
    }
  }

  private static WorkflowExecutionHistory parse(String historyJson) {
    try {
      return WorkflowExecutionHistory.fromJson(historyJson);
    } catch (IndexOutOfBoundsException noEvents) {
      throw new IllegalArgumentException("not a workflow history: it has no events");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not a workflow history in JSON (as gmu history or temporal workflow show "
              + "-o json write it): "
              + e.getMessage());
    }
  }

  private static Optional<String> nonDeterminism(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (t instanceof NonDeterministicException || message.contains(NON_DETERMINISM)) {
        int from = message.indexOf(NON_DETERMINISM);
        return Optional.of(from < 0 ? message : message.substring(from));
      }
    }
    return Optional.empty();
  }

  /**
   * Read from the SDK's message. Its "expected" is what the code commanded and its "actual" what
   * the history recorded, which reads backwards to someone checking old runs against new code, so
   * they are named here.
   */
  static Divergence divergence(String sdkMessage) {
    Matcher trace = STACK_TRACE.matcher(sdkMessage);
    String message =
        (trace.find() ? sdkMessage.substring(0, trace.start()) : sdkMessage)
            .replace(NON_DETERMINISM, "")
            .replaceAll("\\{WorkflowTaskStartedEventId=[^}]*}", "")
            .replaceAll("\\s+", " ")
            .strip();
    String event = "";
    Matcher e = EVENT.matcher(message);
    Matcher id = EVENT_ID.matcher(message);
    if (e.find()) {
      event = "event " + e.group(1) + " (" + e.group(2) + ")";
    } else if (id.find()) {
      event = "event " + id.group(1);
    }
    String mismatch = "";
    Matcher m = MISMATCH.matcher(message);
    if (m.find()) {
      mismatch =
          m.group(1)
              + ": the history has "
              + value(m.group(3))
              + ", the code now does "
              + value(m.group(2));
    }
    return new Divergence(event, mismatch, message);
  }

  private static String value(String proto) {
    Matcher name = PROTO_NAME.matcher(proto.strip());
    return name.matches() ? name.group(1) : proto.strip();
  }
}
