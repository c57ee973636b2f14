package org.gloomeshupgrade.cli;

import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import picocli.CommandLine.Command;

@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    description = "Approve scaling networking back up (step 9).")
final class ApproveCommand extends ApprovalAnswer {
  @Override
  String bySignal(GlooMeshUpgradeWorkflow wf, Approval approval) {
    wf.approve(approval);
    return "approve signal sent; check with gmu status";
  }

  @Override
  String byUpdate(GlooMeshUpgradeWorkflow wf, Approval approval) {
    return wf.approveNow(approval);
  }

  @Override
  String bySignal(GlooMeshRestoreWorkflow wf, Approval approval) {
    wf.approve(approval);
    return "approve signal sent to the restore; check with gmu status";
  }

  @Override
  String byUpdate(GlooMeshRestoreWorkflow wf, Approval approval) {
    return wf.approveNow(approval);
  }
}
