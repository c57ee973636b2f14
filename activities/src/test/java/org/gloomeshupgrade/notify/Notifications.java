package org.gloomeshupgrade.notify;

import java.util.List;
import java.util.Map;

/** Notifications for tests: a run of gloo-mesh-upgrade-mgmt at its approval gate, then changes. */
final class Notifications {
  String id = "gloo-mesh-upgrade-mgmt/5c0ffee0-run/3";
  NotificationEvent event = NotificationEvent.GATE_OPENED;
  long atMillis = 1_764_856_006_123L;
  String workflowId = "gloo-mesh-upgrade-mgmt";
  String runId = "5c0ffee0-run";
  String cluster = "mgmt";
  String fromVersion = "0.10.4";
  String toVersion = "0.11.3";
  String step = "APPROVAL";
  String stepLabel = "9 approval";
  String gate = "approval-1f0c2a9e-3";
  GateKind gateKind = GateKind.APPROVAL;
  String summary = "Networking waits at 0 replicas for a person's approval.";
  String why = "Discovery is back: 42 of 42 resources.";
  List<String> commands =
      List.of(
          "./gmu approve --context mgmt --reason \"CHG-42\"",
          "temporal workflow signal --workflow-id gloo-mesh-upgrade-mgmt --name approve --input"
              + " '{\"by\":\"alice\",\"reason\":\"CHG-42\",\"gate\":\"approval-1f0c2a9e-3\"}'");
  String answeredBy = "";
  String answer = "";
  String outcome = "";
  Map<String, String> report = Map.of();
  String note = "on call: <!subteam^S0MESH>";

  static Notifications approvalGate() {
    return new Notifications();
  }

  static Notifications runEnded() {
    Notifications n = new Notifications();
    n.id = "gloo-mesh-upgrade-mgmt/5c0ffee0-run/9";
    n.event = NotificationEvent.RUN_ENDED;
    n.step = "VERIFY";
    n.stepLabel = "11 verify";
    n.gate = "";
    n.gateKind = null;
    n.summary = "The upgrade finished; the final report has a yellow check.";
    n.why = "";
    n.commands = List.of();
    n.outcome = "FINISHED_WITH_PROBLEMS";
    n.report =
        Map.of(
            "deployments available", "GREEN",
            "networking accepted", "YELLOW",
            "CRDs at target", "GREEN");
    return n;
  }

  static Notifications gateAnswered() {
    Notifications n = new Notifications();
    n.id = "gloo-mesh-upgrade-mgmt/5c0ffee0-run/4";
    n.event = NotificationEvent.GATE_ANSWERED;
    n.commands = List.of();
    n.why = "";
    n.answeredBy = "alice";
    n.answer = "APPROVED";
    return n;
  }

  Notification build() {
    return new Notification(
        id,
        event,
        atMillis,
        workflowId,
        runId,
        cluster,
        fromVersion,
        toVersion,
        step,
        stepLabel,
        gate,
        gateKind,
        summary,
        why,
        commands,
        answeredBy,
        answer,
        outcome,
        report,
        note);
  }
}
