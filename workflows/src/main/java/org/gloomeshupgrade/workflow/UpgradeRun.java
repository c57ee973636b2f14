package org.gloomeshupgrade.workflow;

import io.temporal.workflow.Workflow;
import java.util.List;
import org.gloomeshupgrade.controlplane.ControlPlaneInput;
import org.gloomeshupgrade.crds.CrdApplyInput;
import org.gloomeshupgrade.deployments.ScaleInput;
import org.gloomeshupgrade.preflight.PreflightInput;
import org.gloomeshupgrade.preflight.PreflightReport;
import org.gloomeshupgrade.preflight.RegisteredCluster;
import org.gloomeshupgrade.registration.ReRegisterInput;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.request.RegistrationMethod;
import org.gloomeshupgrade.request.RequestDefaults;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.semver4j.Semver;

/**
 * What the parts of one run share: its record, the request, the activity stubs and the facts found
 * on the way. Each fact is set where the runbook finds it; the publisher reads them at the next
 * change of the record, so when each is set is part of the recorded history.
 */
final class UpgradeRun {
  private static final String MESHCTL_UPSERTS_CRDS_FROM = "0.12.0";

  final RunBook book;
  final ChangeVersions versions;
  private UpgradeRequest request;
  private UpgradeActivities activities;

  /** Set once preflight passed: what a rollback puts back. */
  private PreflightReport preflight;

  /**
   * What the backup is found by: this run's workflow ID, or the first run's when this one carries
   * another on.
   */
  private String backupId;

  private String rollbackCommand = "";

  /** The Helm release's revision the tooling step found, before the run changed anything. */
  private int releaseRevisionBeforeRun;

  /**
   * Null until first asked, in the workflow's own thread, before any gate opens: handlers rely on
   * it then.
   */
  private Boolean decisionsByApprovers;

  UpgradeRun(RunBook book, ChangeVersions versions) {
    this.book = book;
    this.versions = versions;
  }

  /**
   * The request was accepted: the stubs take its timeouts, and the backup is this run's own until
   * told otherwise.
   */
  void accepted(UpgradeRequest request) {
    this.request = request;
    book.target(request.targetVersion());
    book.context(request.managementContext());
    this.activities = new UpgradeActivities(request.scaleTimeout());
    // No version guard: once the backup is taken, the ID its result names is the one used, so a
    // run recorded when the backup ID was the workflow ID goes on with that one.
    this.backupId =
        UpgradeNames.backupId(
            Workflow.getInfo().getWorkflowId(), Workflow.getInfo().getFirstExecutionRunId());
  }

  /** Null until the request was accepted. */
  UpgradeRequest request() {
    return request;
  }

  /**
   * The stubs with a summary the Temporal UI shows on each activity: the step and what it upgrades.
   */
  UpgradeActivities on(Step step) {
    return about(
        "%s: Gloo Mesh %s%s"
            .formatted(
                step.label(),
                request.targetVersion(),
                book.context().isEmpty() ? "" : " on " + book.context()));
  }

  UpgradeActivities about(String summary) {
    return activities.about(summary);
  }

  /** The stubs without a summary. */
  UpgradeActivities activities() {
    return activities;
  }

  PreflightReport preflight() {
    return preflight;
  }

  void preflight(PreflightReport found) {
    this.preflight = found;
  }

  String backupId() {
    return backupId;
  }

  void backupId(String id) {
    this.backupId = id;
  }

  String rollbackCommand() {
    return rollbackCommand;
  }

  void rollbackCommand(String command) {
    this.rollbackCommand = command;
  }

  /**
   * Whether SKIP, ACCEPT and ROLLBACK need someone who may approve ({@link
   * Change#DECISION_APPROVERS}).
   */
  boolean decisionsHeldToApprovers() {
    if (decisionsByApprovers == null) {
      decisionsByApprovers = versions.applies(Change.DECISION_APPROVERS);
    }
    return decisionsByApprovers;
  }

  /**
   * The same, for a handler: false until the workflow thread asked, which it does before any gate
   * opens.
   */
  boolean decisionsKnownHeldToApprovers() {
    return Boolean.TRUE.equals(decisionsByApprovers);
  }

  ApproverPolicy approvers() {
    return new ApproverPolicy(
        request.approvers(), request.requestedBy(), request.allowSelfApproval());
  }

  boolean meshctlAppliesCrds() {
    return request.installMethod() == InstallMethod.MESHCTL
        && !Semver.parse(request.targetVersion()).isLowerThan(MESHCTL_UPSERTS_CRDS_FROM);
  }

  /** Why step 4 is left to meshctl, when it is. */
  String crdsLeftToMeshctl() {
    return "meshctl %s applies the CRDs itself".formatted(request.targetVersion());
  }

  /** Discovery, then networking: the two deployments the upgrade holds at 0. */
  List<String> deployments() {
    return List.of(request.discoveryDeployment(), request.networkingDeployment());
  }

  PreflightInput preflightInput() {
    return new PreflightInput(
        request.managementContext(),
        request.namespace(),
        request.discoveryDeployment(),
        request.networkingDeployment(),
        request.clusters(),
        request.clusterContexts(),
        request.remoteNamespace(),
        agentChartsMethod());
  }

  CrdApplyInput crdInput(String ctx) {
    return new CrdApplyInput(
        ctx,
        request.crdSource(),
        request.targetVersion(),
        request.scaleTimeout().toSeconds(),
        request.chart());
  }

  ControlPlaneInput controlPlaneInput(String ctx) {
    return new ControlPlaneInput(
        ctx,
        request.namespace(),
        request.installMethod(),
        request.helmRelease(),
        request.chart(),
        request.meshctlPath(),
        request.targetVersion(),
        request.discoveryDeployment(),
        request.networkingDeployment(),
        request.helmValuesFiles(),
        releaseRevisionBeforeRun,
        meshctlAppliesCrds() ? null : request.crdSource(),
        request.registrationMethod() == RegistrationMethod.NATIVE ? request.agentCharts() : null);
  }

  /** Set by the tooling step; a retried control-plane step names it in its rollback command. */
  void releaseRevisionBeforeRun(int revision) {
    this.releaseRevisionBeforeRun = revision;
  }

  ScaleInput scale(String ctx, String deployment, int replicas) {
    return new ScaleInput(
        ctx, request.namespace(), deployment, replicas, request.scaleTimeout().toSeconds());
  }

  ReRegisterInput reRegisterInput(String ctx, RegisteredCluster c) {
    return new ReRegisterInput(
        ctx,
        request.namespace(),
        c.name(),
        c.context(),
        request.remoteNamespace(),
        request.clusterDomain(),
        request.registrationMethod(),
        request.targetVersion(),
        agentInstallMethod(),
        request.agentCharts(),
        request.chart(),
        request.meshctlPath());
  }

  /** How step 7 installs the agent charts; null when it leaves them alone. */
  private InstallMethod agentChartsMethod() {
    if (request.registrationMethod() == RegistrationMethod.MESHCTL
        || RequestDefaults.AGENT_CHARTS_NONE.equals(request.agentCharts())) {
      return null;
    }
    return agentInstallMethod();
  }

  /** The agent charts go on as the control plane did, with Helm when meshctl installed it. */
  private InstallMethod agentInstallMethod() {
    return request.installMethod() == InstallMethod.MESHCTL
        ? InstallMethod.HELM
        : request.installMethod();
  }
}
