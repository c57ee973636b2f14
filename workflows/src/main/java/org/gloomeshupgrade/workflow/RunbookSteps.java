package org.gloomeshupgrade.workflow;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.gloomeshupgrade.backup.BackupInput;
import org.gloomeshupgrade.backup.BackupResult;
import org.gloomeshupgrade.controlplane.ControlPlaneResult;
import org.gloomeshupgrade.controlplane.ToolingReport;
import org.gloomeshupgrade.crds.CrdApplyResult;
import org.gloomeshupgrade.crds.CrdSourceReport;
import org.gloomeshupgrade.deployments.ScaleResult;
import org.gloomeshupgrade.discovery.DiscoveryDeleteResult;
import org.gloomeshupgrade.preflight.PreflightReport;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.verify.VerifyInput;
import org.gloomeshupgrade.verify.VerifyReport;

/**
 * What each step of the runbook does on the management plane, through its activities; each records
 * its detail. The step runner runs them, and the workflow says in which order.
 */
final class RunbookSteps {
  private final UpgradeRun run;
  private final StepRunner steps;
  private final ConformanceReviewer conformance;
  private final RegistrationWindow registration;
  private final SettleWaits waits;

  RunbookSteps(
      UpgradeRun run,
      StepRunner steps,
      ConformanceReviewer conformance,
      RegistrationWindow registration,
      SettleWaits waits) {
    this.run = run;
    this.steps = steps;
    this.conformance = conformance;
    this.registration = registration;
    this.waits = waits;
  }

  private String ctx() {
    return run.preflight().context();
  }

  /**
   * Step 1: the chart or meshctl of the target, and, unless meshctl brings them, the target's
   * complete CRDs.
   */
  ToolingReport tooling() {
    ToolingReport t =
        run.on(Step.TOOLING).controlPlane.resolveTooling(run.controlPlaneInput(ctx()));
    run.releaseRevisionBeforeRun(t.releaseRevision());
    String crds = "";
    // Runs recorded before the check existed replay without it.
    if (!run.meshctlAppliesCrds() && run.versions.applies(Change.CRD_SOURCE_CHECK)) {
      CrdSourceReport c = run.on(Step.TOOLING).crds.check(run.crdInput(ctx()));
      crds =
          "; CRDs: %d in %d groups, complete, from %s"
              .formatted(c.crds(), c.groups().size(), c.source());
    }
    run.book.detail(
        Step.TOOLING, "%s %s: %s%s".formatted(t.tool(), t.toolVersion(), t.detail(), crds));
    return t;
  }

  /**
   * Step 2: the configuration backed up where it outlives the worker and this run, then networking
   * and discovery to 0.
   */
  void scaleDown() {
    UpgradeRequest request = run.request();
    String saved = "";
    // Runs recorded before the backup existed replay without it.
    if (run.versions.applies(Change.BACKUP)) {
      BackupResult b =
          run.on(Step.SCALE_DOWN)
              .backup
              .backup(
                  new BackupInput(
                      ctx(),
                      request.namespace(),
                      run.backupId(),
                      request.discoveryDeployment(),
                      Workflow.getInfo().getWorkflowId(),
                      run.preflight().runningVersion(),
                      request.targetVersion()));
      run.backupId(b.backupId());
      run.book.backup(b.backupId(), b.location());
      b.retentionProblems()
          .forEach(p -> run.book.warn("backup retention: " + p + "; remove it by hand"));
      saved =
          "backup %s of %d resources%s%s%s; "
              .formatted(
                  b.backupId(),
                  b.resources(),
                  b.helmValues() ? " and the Helm values" : "",
                  b.keptExisting() ? " (kept from before)" : "",
                  b.removed().isEmpty()
                      ? ""
                      : ", older backups removed by the worker's retention: "
                          + String.join(", ", b.removed()));
    }
    ScaleResult n =
        run.on(Step.SCALE_DOWN)
            .deployments
            .scale(run.scale(ctx(), request.networkingDeployment(), 0));
    ScaleResult d =
        run.on(Step.SCALE_DOWN)
            .deployments
            .scale(run.scale(ctx(), request.discoveryDeployment(), 0));
    run.book.detail(
        Step.SCALE_DOWN, "%s%s, %s".formatted(saved, Messages.describe(n), Messages.describe(d)));
  }

  /** Step 3. */
  void deleteDiscovery() {
    DiscoveryDeleteResult r = run.on(Step.DELETE_DISCOVERY).discovery.deleteAll(ctx());
    run.book.detail(
        Step.DELETE_DISCOVERY,
        "deleted %s with %d collection deletes"
            .formatted(r.deletedByKind(), r.collectionDeletes()));
  }

  /** Step 4, or its server-side dry run; left to meshctl where it applies the CRDs itself. */
  void crds(boolean dryRun) {
    if (run.meshctlAppliesCrds()) {
      run.book.skipped(Step.CRDS, run.crdsLeftToMeshctl());
    } else if (dryRun) {
      steps.run(Step.CRDS, this::dryRunCrds);
    } else {
      steps.runOrCarry(Step.CRDS, this::applyCrds);
    }
  }

  private void applyCrds() {
    CrdApplyResult r = run.on(Step.CRDS).crds.apply(run.crdInput(ctx()));
    run.book.detail(
        Step.CRDS,
        "%d created, %d updated from %s%s"
            .formatted(
                r.created().size(),
                r.updated().size(),
                r.source(),
                r.convertedFromV1beta1() ? " (converted from v1beta1)" : ""));
  }

  /** Step 5: the new control plane, its deployments held at 0. */
  void controlPlane() {
    ControlPlaneResult r =
        run.on(Step.CONTROL_PLANE).controlPlane.upgrade(run.controlPlaneInput(ctx()));
    run.rollbackCommand(r.rollbackCommand());
    String release = r.release() == null || r.release().isBlank() ? "" : r.release() + " ";
    run.book.detail(
        Step.CONTROL_PLANE,
        "%s: %d objects%s%s%s"
            .formatted(
                r.method(),
                r.applied().size(),
                r.revisionAfter() > 0
                    ? ", release %srevision %d to %d"
                        .formatted(release, r.revisionBefore(), r.revisionAfter())
                    : "",
                r.replicasReset().isEmpty() ? "" : ", scaled back to 0: " + r.replicasReset(),
                r.rollbackCommand().isEmpty() ? "" : "; to undo: " + r.rollbackCommand()));
  }

  /** Step 6: the user's resources against the installed CRDs. */
  ConformanceReview conformance() {
    ConformanceReview review =
        conformance.review(
            Step.CONFORMANCE,
            "the installed CRDs",
            () -> run.on(Step.CONFORMANCE).conformance.check(ctx()));
    if (review.outcome() != ConformanceReview.Outcome.SKIPPED) {
      run.book.detail(Step.CONFORMANCE, Messages.describe(review));
    }
    return review;
  }

  /** Step 7. */
  void reRegister() {
    registration.reRegister(ctx(), run.preflight().clusters());
  }

  /** Step 8: discovery back to its replica count, then wait until it found the mesh again. */
  void scaleUpDiscovery() {
    PreflightReport pre = run.preflight();
    String discovery = run.request().discoveryDeployment();
    run.on(Step.DISCOVERY)
        .deployments
        .scale(run.scale(ctx(), discovery, pre.replicasToScaleUp(discovery)));
    waits.awaitDiscovery(ctx(), pre.discoveryInventory());
  }

  /** Step 10: networking back to its replica count, then wait until every resource is ACCEPTED. */
  void scaleUpNetworking() {
    String networking = run.request().networkingDeployment();
    run.on(Step.NETWORKING)
        .deployments
        .scale(run.scale(ctx(), networking, run.preflight().replicasToScaleUp(networking)));
    waits.awaitNetworking(ctx());
  }

  /** Step 11: the final report, with the conformance the run saw; red stops for a person. */
  VerifyReport verify() {
    UpgradeRequest request = run.request();
    VerifyReport cluster =
        run.on(Step.VERIFY)
            .verify
            .verify(
                new VerifyInput(
                    ctx(),
                    request.namespace(),
                    request.targetVersion(),
                    run.deployments(),
                    request.installMethod(),
                    request.meshctlPath(),
                    run.preflight().discoveryInventory()));
    List<VerifyCheck> checks = new ArrayList<>(cluster.checks());
    checks.add(FinalReportChecks.conformance(run.book.conformanceReviews()));
    VerifyReport r = new VerifyReport(List.copyOf(checks));
    run.book.verify(r);
    List<VerifyCheck> notGreen =
        r.checks().stream().filter(c -> c.level() != CheckLevel.GREEN).toList();
    if (r.overall() == CheckLevel.RED) {
      throw ApplicationFailure.newFailure(
          "verify found problems: "
              + notGreen.stream()
                  .map(c -> "%s %s: %s".formatted(c.name(), c.level(), c.detail()))
                  .collect(Collectors.joining("; ")),
          FailureTypes.VERIFY_FAILED);
    }
    notGreen.forEach(
        c ->
            run.book.warn(
                "verify: %s %s: %s (%s)".formatted(c.name(), c.level(), c.detail(), c.hint())));
    run.book.detail(Step.VERIFY, "%d checks, overall %s".formatted(r.checks().size(), r.overall()));
    return r;
  }

  /**
   * The dry run: steps 4 and 5 sent with dryRun=All, so the API server validates every CRD and
   * control-plane object the real run would write (schemas, stored versions, immutable fields,
   * admission) and stores nothing. Runs recorded before the server-side checks replay without them.
   */
  UpgradeReport dryRun(ToolingReport tooling) {
    boolean serverSide = run.versions.applies(Change.SERVER_SIDE_DRY_RUN);
    if (serverSide) {
      crds(true);
      steps.run(Step.CONTROL_PLANE, this::dryRunControlPlane);
    }
    run.book.end(RunState.DRY_RUN_COMPLETE);
    PreflightReport pre = run.preflight();
    String conformed =
        run.book.conformanceReviews().stream()
            .filter(r -> r.step() == Step.PREFLIGHT)
            .findFirst()
            .map(
                r ->
                    ", %s conformance to %s"
                        .formatted(r.outcome().name().toLowerCase(Locale.ROOT), r.against()))
            .orElse("");
    return run.book.report(
        "dry run of Gloo Mesh %s to %s on %s: preflight and tooling passed%s%s, nothing was changed%s"
            .formatted(
                pre.runningVersion(),
                run.request().targetVersion(),
                pre.context(),
                conformed,
                serverSide
                    ? ", the API server accepted the CRDs and the control plane (server-side dry run)"
                    : "",
                tooling == null ? "" : " (" + tooling.detail() + ")"));
  }

  private CrdApplyResult dryRunCrds() {
    CrdApplyResult r = run.on(Step.CRDS).crds.dryRun(run.crdInput(ctx()));
    run.book.detail(
        Step.CRDS,
        "server dry run: %d would be created, %d updated from %s%s"
            .formatted(
                r.created().size(),
                r.updated().size(),
                r.source(),
                r.convertedFromV1beta1() ? " (converted from v1beta1)" : ""));
    return r;
  }

  private ControlPlaneResult dryRunControlPlane() {
    ControlPlaneResult r =
        run.on(Step.CONTROL_PLANE).controlPlane.dryRun(run.controlPlaneInput(ctx()));
    String changes =
        !r.method().equals("manifests")
            ? r.output()
            : "%d object(s) would be created or changed%s"
                .formatted(
                    r.applied().size(),
                    r.applied().isEmpty()
                        ? ""
                        : " (%s; the changes are in the activity result)"
                            .formatted(String.join(", ", r.applied())));
    run.book.detail(Step.CONTROL_PLANE, "server dry run, %s: %s".formatted(r.method(), changes));
    return r;
  }
}
