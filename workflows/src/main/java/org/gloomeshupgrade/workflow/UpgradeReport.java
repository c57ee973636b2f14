package org.gloomeshupgrade.workflow;

import java.util.List;
import org.gloomeshupgrade.verify.VerifyReport;

/** The workflow's result. */
public record UpgradeReport(
    RunState outcome,
    String managementContext,
    String fromVersion,
    String targetVersion,
    String summary,
    List<StepStatus> steps,
    Approval approval,
    List<String> decisions,
    List<String> warnings,
    VerifyReport verify,
    String backup) {

  /** Without a backup location (runs before backups existed, and the dry run). */
  public UpgradeReport(RunState outcome, String managementContext, String fromVersion, String targetVersion,
      String summary, List<StepStatus> steps, Approval approval, List<String> decisions, List<String> warnings,
      VerifyReport verify) {
    this(outcome, managementContext, fromVersion, targetVersion, summary, steps, approval, decisions, warnings, verify,
        null);
  }
}
