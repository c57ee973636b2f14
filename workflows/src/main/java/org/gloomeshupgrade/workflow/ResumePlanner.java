package org.gloomeshupgrade.workflow;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.gloomeshupgrade.preflight.PreflightReport;
import org.gloomeshupgrade.request.InvalidRequestException;
import org.gloomeshupgrade.request.ResumeFrom;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.gloomeshupgrade.resume.PreviousRun;
import org.gloomeshupgrade.verify.EndState;
import org.gloomeshupgrade.verify.EndStateInput;
import org.slf4j.Logger;

/**
 * Carrying on an earlier run ({@code resumeFrom}): reads it, refuses before anything changes a run
 * that is not this same upgrade, keeps the facts it found before its first change, and decides
 * which of its steps still hold and are not done again.
 */
final class ResumePlanner {
  private static final Logger log = Workflow.getLogger(ResumePlanner.class);

  /** The steps whose end state a resumed run can find on the cluster, in order. */
  private static final List<Step> CARRIED_STEPS =
      List.of(
          Step.SCALE_DOWN,
          Step.DELETE_DISCOVERY,
          Step.CRDS,
          Step.CONTROL_PLANE,
          Step.CONFORMANCE,
          Step.REREGISTER,
          Step.DISCOVERY,
          Step.APPROVAL,
          Step.NETWORKING);

  private final UpgradeRun run;

  /** The earlier run this one carries on; null when it started afresh. */
  private PreviousRun previous;

  /**
   * The steps the earlier run did whose end state still holds, which this run does not do again:
   * what holds.
   */
  private final Map<Step, String> carried = new EnumMap<>(Step.class);

  ResumePlanner(UpgradeRun run) {
    this.run = run;
  }

  PreviousRun previous() {
    return previous;
  }

  /** What still holds of {@code step}, done by the earlier run; null when this run does it. */
  String stillHolds(Step step) {
    return carried.get(step);
  }

  boolean carries(Step step) {
    return carried.containsKey(step);
  }

  /**
   * Whether preflight keeps the earlier run's facts from before its first change, instead of what
   * it found.
   */
  boolean keepsEarlierFacts() {
    return previous != null && previous.point().preflight() != null;
  }

  Approval earlierApproval() {
    return previous.point().approval();
  }

  /**
   * ", carrying on run x (not done again: steps 2, 3)" for the run's summary; "" when it started
   * afresh.
   */
  String summary() {
    if (previous == null) {
      return "";
    }
    return ", carrying on run "
        + previous.describe()
        + (carried.isEmpty() ? "" : " (not done again: steps " + stepNumbers() + ")");
  }

  private String stepNumbers() {
    return carried.keySet().stream()
        .map(s -> String.valueOf(s.number()))
        .collect(Collectors.joining(", "));
  }

  /**
   * Reads the earlier run; refuses, before anything changes, to carry on a run that is not this
   * same upgrade.
   */
  void read(ResumeFrom from) {
    RunBook book = run.book;
    PreviousRun p = run.on(Step.PREFLIGHT).resume.readPreviousRun(from);
    String refusal = refusal(from, p);
    if (refusal != null) {
      log.warn("request refused: {}", refusal);
      throw refuse(refusal);
    }
    previous = p;
    ResumePoint point = p.point();
    book.resumedFrom(p.describe());
    if (point.preflight() == null) {
      book.warn(
          "run %s stopped before its first change: this run starts from the beginning"
              .formatted(p.describe()));
      return;
    }
    if (!point.backupId().isEmpty()) {
      run.backupId(point.backupId());
    }
    if (point.backup() != null) {
      book.backup(run.backupId(), point.backup());
    }
    run.rollbackCommand(point.rollbackCommand());
    // Problems a person accepted in the earlier run are not asked about
    // again, if that person may accept them for this run: its request may
    // name other approvers, and whoever carries it on is its requester.
    for (ConformanceReview review : point.conformance()) {
      String notHis =
          review.outcome() == ConformanceReview.Outcome.ACCEPTED && run.decisionsHeldToApprovers()
              ? run.approvers().refusal(review.decidedBy(), true, "answer ACCEPT")
              : null;
      if (notHis == null) {
        book.conformance(review);
      } else {
        book.warn(
            """
            resume: the conformance problems accepted at step %d of run %s do not stand for this run (%s): they \
            are asked about again"""
                .formatted(review.step().number(), p.describe(), notHis));
      }
    }
    log.info("resume: carrying on run {} ({}, state {})", p.describe(), p.status(), point.state());
  }

  /** Ends the run, failed, before anything changed. */
  private ApplicationFailure refuse(String why) {
    run.book.failed(Step.PREFLIGHT, why);
    run.book.end(RunState.FAILED);
    return ApplicationFailure.newNonRetryableFailure(why, FailureTypes.INVALID_REQUEST);
  }

  /** Null when the earlier run is one this run may carry on; else why not, naming the field. */
  private String refusal(ResumeFrom from, PreviousRun p) {
    String named = "resumeFrom: run " + p.describe();
    switch (p.status()) {
      case NOT_FOUND -> {
        return "resumeFrom: there is no run %s in this namespace".formatted(from.describe());
      }
      case NOT_AN_UPGRADE -> {
        return "%s is not a Gloo Mesh upgrade (workflow type %s)"
            .formatted(named, UpgradeNames.WORKFLOW_TYPE);
      }
      case SELF -> {
        return """
            resumeFrom: %s names this run itself; give resumeFrom.runId, the run ID of the earlier run (gmu resume \
            does)"""
            .formatted(from.describe());
      }
      case RUNNING -> {
        return named + " is still running: answer it, or terminate it, before carrying it on";
      }
      default -> {
        // closed: judged by what it left
      }
    }
    ResumePoint point = p.point();
    if (point == null) {
      return """
          %s (%s) kept no resume point in its memo: it ran on a version of this workflow from before resume; start \
          a new upgrade instead"""
          .formatted(named, p.status());
    }
    if (point.state() == RunState.SUCCEEDED || point.state() == RunState.DRY_RUN_COMPLETE) {
      return "%s ended %s: there is nothing to carry on".formatted(named, point.state());
    }
    if (point.state() == RunState.ROLLED_BACK) {
      return named + " was rolled back: start a new upgrade instead of carrying it on";
    }
    UpgradeRequest old;
    try {
      // Read as it was accepted then, whatever rules its run started under.
      old = UpgradeRequestParser.parse(p.request(), UpgradeRequestParser.Rules.BEFORE_LIMITS);
    } catch (InvalidRequestException e) {
      return "%s was refused and changed nothing (%s): start a new upgrade instead"
          .formatted(named, e.getMessage());
    }
    UpgradeRequest request = run.request();
    Map<String, List<Object>> fields = new LinkedHashMap<>();
    fields.put("targetVersion", List.of(old.targetVersion(), request.targetVersion()));
    fields.put("managementContext", List.of(old.managementContext(), request.managementContext()));
    fields.put("namespace", List.of(old.namespace(), request.namespace()));
    fields.put("installMethod", List.of(old.installMethod(), request.installMethod()));
    fields.put(
        "discoveryDeployment", List.of(old.discoveryDeployment(), request.discoveryDeployment()));
    fields.put(
        "networkingDeployment",
        List.of(old.networkingDeployment(), request.networkingDeployment()));
    for (Map.Entry<String, List<Object>> f : fields.entrySet()) {
      if (!f.getValue().get(0).equals(f.getValue().get(1))) {
        return "%s has %s \"%s\" but this request has \"%s\": a run carries on the same upgrade only"
            .formatted(named, f.getKey(), f.getValue().get(0), f.getValue().get(1));
      }
    }
    return null;
  }

  /**
   * The facts from before the first change, as the first run found them: once networking is at 0
   * and discovery deleted, the cluster no longer shows the replica counts and inventory to restore.
   */
  PreflightReport carriedOn(PreflightReport found) {
    if (!keepsEarlierFacts()) {
      return found;
    }
    PreflightReport before = previous.point().preflight();
    if (!before.context().equals(found.context())) {
      throw refuse(
          """
          resumeFrom: run %s upgraded the management plane on context "%s", but this run's context is "%s": set \
          managementContext"""
              .formatted(previous.describe(), before.context(), found.context()));
    }
    return new PreflightReport(
        found.context(),
        found.kubernetesVersion(),
        before.runningVersion(),
        before.deploymentVersions(),
        before.originalReplicas(),
        before.discoveryInventory(),
        found.clusters(),
        found.permissionsChecked(),
        found.warnings());
  }

  /**
   * Which steps of the earlier run this run does not do again: of the steps it finished, in order,
   * those whose end state still holds on the cluster, up to the first that does not. That step and
   * every step after it run again; each of them is safe to repeat. Conformance (6) is read-only and
   * always checked again. Returns the plan, for preflight's detail.
   */
  String plan(PreflightReport pre) {
    ResumePoint point = previous.point();
    Step last = null;
    for (Step s : CARRIED_STEPS) {
      if (!doneIn(point, s)) {
        break;
      }
      last = s;
    }
    if (last == null) {
      return "run %s finished no step that changes the mesh: every step runs"
          .formatted(previous.describe());
    }
    Step unfinished = after(last);
    UpgradeRequest request = run.request();
    EndState seen =
        run.on(Step.PREFLIGHT)
            .verify
            .observeEndState(
                new EndStateInput(
                    pre.context(),
                    request.namespace(),
                    request.targetVersion(),
                    request.discoveryDeployment(),
                    request.networkingDeployment()));
    EndStateJudge judge =
        new EndStateJudge(
            seen,
            pre,
            request.discoveryDeployment(),
            request.networkingDeployment(),
            run.meshctlAppliesCrds(),
            this::approvalRefusal);
    Step from = null;
    for (Step s : CARRIED_STEPS) {
      if (s.compareTo(last) > 0) {
        break;
      }
      EndStateJudge.Verdict verdict = judge.judge(s, unfinished, point.approval());
      if (!verdict.held()) {
        from = s;
        run.book.warn(
            """
            resume: %s, done by run %s, no longer holds: %s; this run does it again, and every step after \
            it"""
                .formatted(s.label(), previous.describe(), verdict.wrong()));
        break;
      }
      if (s != Step.CONFORMANCE) {
        carried.put(s, verdict.holds());
      }
    }
    Step next =
        from != null
            ? from
            : after(carried.keySet().stream().max(Step::compareTo).orElse(Step.TOOLING));
    String plan =
        "carrying on run %s (%s): %s still hold and are not done again; goes on from %s"
            .formatted(
                previous.describe(),
                previous.status().name().toLowerCase(Locale.ROOT),
                carried.isEmpty() ? "no step" : "steps " + stepNumbers(),
                next.label());
    log.info("resume: {}", plan);
    return plan;
  }

  /** The first step that can be carried after {@code step}; verify when none. */
  private static Step after(Step step) {
    return CARRIED_STEPS.stream()
        .filter(s -> s.compareTo(step) > 0)
        .findFirst()
        .orElse(Step.VERIFY);
  }

  /** Without requireApproval the approval is the policy's, now as then. */
  private String approvalRefusal(Approval approval) {
    return run.request().requireApproval() && run.decisionsHeldToApprovers()
        ? run.approvers().refusal(approval.by(), true, "approve it")
        : null;
  }

  /**
   * Whether the earlier run finished the step: succeeded, or skipped by this request's own policy.
   */
  private boolean doneIn(ResumePoint point, Step s) {
    StepState state = point.state(s);
    return state == StepState.SUCCEEDED
        || (state == StepState.SKIPPED
            && ((s == Step.CRDS && run.meshctlAppliesCrds())
                || (s == Step.APPROVAL
                    && !run.request().requireApproval()
                    && point.approval() != null)));
  }
}
