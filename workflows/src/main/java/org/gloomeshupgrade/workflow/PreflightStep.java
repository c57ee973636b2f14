package org.gloomeshupgrade.workflow;

import io.temporal.failure.ApplicationFailure;
import org.gloomeshupgrade.preflight.PreflightReport;
import org.gloomeshupgrade.request.UpgradeRequest;

/**
 * Step 0: what the run finds before changing anything (context, versions, replica counts, discovery
 * inventory, clusters, permissions), the version pair's policy, the user's resources against the
 * target's CRDs, and, when the run carries on an earlier one, that run's facts and which of its
 * steps still hold.
 */
final class PreflightStep {
  private final UpgradeRun run;
  private final ResumePlanner resume;
  private final ConformanceReviewer conformance;

  PreflightStep(UpgradeRun run, ResumePlanner resume, ConformanceReviewer conformance) {
    this.run = run;
    this.resume = resume;
    this.conformance = conformance;
  }

  PreflightReport run() {
    UpgradeRequest request = run.request();
    RunBook book = run.book;
    if (request.resumes()) {
      resume.read(request.resumeFrom());
    }
    PreflightReport found = run.on(Step.PREFLIGHT).preflight.preflight(run.preflightInput());
    PreflightReport pre = resume.carriedOn(found);
    boolean carried = resume.keepsEarlierFacts();
    book.context(pre.context());
    if (!carried) {
      warnIfScaledDown(found);
    }
    book.fromVersion(pre.runningVersion());
    pre.warnings().forEach(book::warn);
    try {
      VersionPolicy.check(pre.runningVersion(), request.targetVersion(), request.allowDowngrade())
          .forEach(book::warn);
    } catch (VersionPolicy.VersionRefused e) {
      book.failed(Step.PREFLIGHT, e.getMessage());
      book.end(RunState.FAILED);
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.VERSION_POLICY);
    }
    String detail =
        "running %s on %s (Kubernetes %s), replicas %s, discovery %s%s, %d clusters, %d permissions checked"
            .formatted(
                pre.runningVersion(),
                pre.context(),
                pre.kubernetesVersion(),
                pre.originalReplicas(),
                pre.discoveryInventory(),
                carried
                    ? " (as run %s found them before its first change)"
                        .formatted(resume.previous().describe())
                    : "",
                pre.clusters().size(),
                pre.permissionsChecked());
    book.detail(Step.PREFLIGHT, detail);
    // A problem found here stops the run while the old control plane still
    // runs, and before a real API server would hide the fields the new
    // schemas prune. Runs recorded before this check replay without it.
    if (run.versions.applies(Change.PREFLIGHT_CONFORMANCE)) {
      detail = detail + "; " + checkConformance(pre);
      book.detail(Step.PREFLIGHT, detail);
    }
    if (carried) {
      book.detail(Step.PREFLIGHT, detail + "; " + resume.plan(pre));
    }
    return pre;
  }

  private String checkConformance(PreflightReport pre) {
    String target = run.request().targetVersion();
    if (run.meshctlAppliesCrds()) {
      return "conformance is checked at step 6 only: meshctl %s brings its own CRDs"
          .formatted(target);
    }
    ConformanceReview review =
        conformance.review(
            Step.PREFLIGHT,
            "the CRDs of %s from the CRD source".formatted(target),
            () ->
                run.on(Step.PREFLIGHT).conformance.checkAgainstTarget(run.crdInput(pre.context())));
    return Messages.describe(review);
  }

  /**
   * A deployment at 0 before the upgrade may be an earlier run's doing: carrying that run on keeps
   * its counts.
   */
  private void warnIfScaledDown(PreflightReport found) {
    for (String deployment : run.deployments()) {
      if (found.originalReplicas().getOrDefault(deployment, 1) == 0) {
        run.book.warn(
            """
            %s has 0 replicas before the upgrade: if an earlier run scaled it down, carry that run on instead (gmu \
            resume, or resumeFrom) to keep the replica counts from before it; this run scales %s to 1"""
                .formatted(deployment, deployment));
      }
    }
  }
}
