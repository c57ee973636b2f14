package org.gloomeshupgrade.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * The exact commands that answer an open gate, ours and the Temporal CLI's, as notifications carry
 * them: a person copies one, fills in the placeholders and runs it.
 */
final class AnswerCommands {
  private AnswerCommands() {}

  static List<String> approval(String workflowId, String gate) {
    String gateFlag = gate.isEmpty() ? "" : " --gate " + gate;
    String gateField = gate.isEmpty() ? "" : ",\"gate\":\"%s\"".formatted(gate);
    return List.of(
        "gmu approve --workflow-id %s%s --by <you> --reason <why>".formatted(workflowId, gateFlag),
        "gmu reject --workflow-id %s%s --by <you> --reason <why>".formatted(workflowId, gateFlag),
        """
        temporal workflow signal --workflow-id %s --name %s --input '{"by":"<you>","reason":"<why>"%s}'"""
            .formatted(workflowId, UpgradeNames.SIGNAL_APPROVE, gateField));
  }

  static List<String> decision(String workflowId, Step step, String gate, List<Decision> open) {
    String gateFlag = gate.isEmpty() ? "" : " --gate " + gate;
    String gateField = gate.isEmpty() ? "" : ",\"gate\":\"%s\"".formatted(gate);
    List<String> commands = new ArrayList<>();
    for (Decision d : open) {
      commands.add(
          "gmu decide --workflow-id %s --step %s%s --decision %s --by <you>%s"
              .formatted(
                  workflowId,
                  step.name(),
                  gateFlag,
                  d.name(),
                  d == Decision.RETRY ? "" : " --reason <why>"));
    }
    commands.add(
        """
        temporal workflow signal --workflow-id %s --name %s --input '{"step":"%s","decision":"RETRY","by":"<you>"%s}'"""
            .formatted(workflowId, UpgradeNames.SIGNAL_DECIDE, step.name(), gateField));
    return commands;
  }
}
