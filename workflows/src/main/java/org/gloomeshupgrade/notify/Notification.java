package org.gloomeshupgrade.notify;

import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.messages.SortedCopy;

/**
 * One event of a run, as the workflow composed it: everything a message says, and nothing the
 * worker keeps to itself (no destination, URL or token; the Temporal UI's link is added on the
 * worker). The same notification goes to every destination that wants its event.
 *
 * @param id the same for every delivery of this event, retries included: a receiver drops repeats
 *     by it ({@code <workflow ID>/<run ID>/<n>})
 * @param atMillis workflow time of the event, epoch milliseconds
 * @param cluster the management cluster's kubeconfig context
 * @param fromVersion the version running before the upgrade; "" until preflight found it
 * @param step the runbook step (its enum name); "" when the run ended before any
 * @param gate the gate's ID, which answers name; "" for runs without gate IDs and for the end
 * @param gateKind null unless the event concerns a gate
 * @param why what failed or what the gate waits for; "" when nothing
 * @param commands the exact commands that answer the gate: ours, then Temporal's CLI
 * @param answeredBy who answered (GATE_ANSWERED); ""
 * @param answer what was answered: APPROVED, REJECTED or the decision (GATE_ANSWERED); ""
 * @param outcome the run's state at RUN_ENDED; ""
 * @param report the final report's check names and levels at RUN_ENDED
 * @param note the request's free text for people (a channel hint, an on-call handle); ""
 */
public record Notification(
    String id,
    NotificationEvent event,
    long atMillis,
    String workflowId,
    String runId,
    String cluster,
    String fromVersion,
    String toVersion,
    String step,
    String stepLabel,
    String gate,
    GateKind gateKind,
    String summary,
    String why,
    List<String> commands,
    String answeredBy,
    String answer,
    String outcome,
    Map<String, String> report,
    String note) {

  public Notification {
    commands = commands == null ? List.of() : List.copyOf(commands);
    report = report == null ? Map.of() : SortedCopy.of(report);
  }
}
