package org.gloomeshupgrade.workflow;

import java.util.List;
import org.gloomeshupgrade.verify.VerifyReport;

/**
 * The workflow's result.
 *
 * @param verify the final report: green, yellow or red per check, with a hint for each that is not
 *     green
 */
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
    String backup,
    List<ConformanceReview> conformance,
    List<ClusterRegistration> registrations) {

  /** Without cluster registrations. */
  public UpgradeReport(
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
      String backup,
      List<ConformanceReview> conformance) {
    this(
        outcome,
        managementContext,
        fromVersion,
        targetVersion,
        summary,
        steps,
        approval,
        decisions,
        warnings,
        verify,
        backup,
        conformance,
        List.of());
  }

  /** Without conformance reviews (runs before they existed). */
  public UpgradeReport(
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
    this(
        outcome,
        managementContext,
        fromVersion,
        targetVersion,
        summary,
        steps,
        approval,
        decisions,
        warnings,
        verify,
        backup,
        List.of());
  }

  /** Without a backup location (runs before backups existed, and the dry run). */
  public UpgradeReport(
      RunState outcome,
      String managementContext,
      String fromVersion,
      String targetVersion,
      String summary,
      List<StepStatus> steps,
      Approval approval,
      List<String> decisions,
      List<String> warnings,
      VerifyReport verify) {
    this(
        outcome,
        managementContext,
        fromVersion,
        targetVersion,
        summary,
        steps,
        approval,
        decisions,
        warnings,
        verify,
        null,
        List.of());
  }
}
