package org.gloomeshupgrade.cli;

import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import picocli.CommandLine.Command;

@Command(
    name = "reject",
    mixinStandardHelpOptions = true,
    description = "Reject scaling networking back up: it stays at 0 and the run ends as REJECTED.")
final class RejectCommand extends ApprovalAnswer {
  @Override
  String bySignal(GlooMeshUpgradeWorkflow wf, Approval approval) {
    wf.reject(approval);
    return "reject signal sent; check with gmu status";
  }

  @Override
  String byUpdate(GlooMeshUpgradeWorkflow wf, Approval approval) {
    return wf.rejectNow(approval);
  }

  @Override
  String bySignal(GlooMeshRestoreWorkflow wf, Approval approval) {
    wf.reject(approval);
    return "reject signal sent to the restore; check with gmu status";
  }

  @Override
  String byUpdate(GlooMeshRestoreWorkflow wf, Approval approval) {
    return wf.rejectNow(approval);
  }
}
