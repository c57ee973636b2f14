package org.gloomeshupgrade.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.conformance.ConformanceReport;
import org.gloomeshupgrade.controlplane.ControlPlaneInput;
import org.gloomeshupgrade.controlplane.ControlPlaneResult;
import org.gloomeshupgrade.controlplane.ToolingReport;
import org.gloomeshupgrade.backup.BackupInput;
import org.gloomeshupgrade.backup.RestoreInput;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.backup.BackupResult;
import org.gloomeshupgrade.crds.CrdApplyInput;
import org.gloomeshupgrade.crds.CrdApplyResult;
import org.gloomeshupgrade.crds.CrdSourceReport;
import org.gloomeshupgrade.deployments.ScaleInput;
import org.gloomeshupgrade.deployments.ScaleResult;
import org.gloomeshupgrade.discovery.DiscoveryCounts;
import org.gloomeshupgrade.discovery.DiscoveryDeleteResult;
import org.gloomeshupgrade.preflight.PreflightInput;
import org.gloomeshupgrade.preflight.PreflightReport;
import org.gloomeshupgrade.preflight.RegisteredCluster;
import org.gloomeshupgrade.registration.ReRegisterInput;
import org.gloomeshupgrade.registration.ReRegisterResult;
import org.gloomeshupgrade.request.DurationText;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.request.InvalidRequestException;
import org.gloomeshupgrade.request.RegistrationMethod;
import org.gloomeshupgrade.request.RequestDefaults;
import org.gloomeshupgrade.request.ResumeFrom;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.gloomeshupgrade.resume.PreviousRun;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.EndState;
import org.gloomeshupgrade.verify.EndStateInput;
import org.gloomeshupgrade.verify.NetworkingStatus;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.verify.VerifyInput;
import org.gloomeshupgrade.verify.VerifyReport;
import org.semver4j.Semver;
import org.slf4j.Logger;

/**
 * The runbook as a workflow. Workflow code only: no I/O, clocks, randomness or threads here; every
 * action on a cluster is an activity, every wait a durable timer.
 */
public class GlooMeshUpgradeWorkflowImpl implements GlooMeshUpgradeWorkflow {
  private static final Logger log = Workflow.getLogger(GlooMeshUpgradeWorkflowImpl.class);
  private static final String MESHCTL_UPSERTS_CRDS_FROM = "0.12.0";
  /** Change id (Workflow.getVersion) of the dry run's server-side checks of the CRDs and the control plane. */
  static final String SERVER_SIDE_DRY_RUN = "server-side-dry-run";
  /** Change id of the tooling step's check that the CRD source is the target's complete set. */
  static final String CRD_SOURCE_CHECK = "crd-source-check";
  /** Change id of the backup taken before the first change. */
  static final String BACKUP = "backup";
  /** Change id of preflight's conformance check against the target's CRDs. */
  static final String PREFLIGHT_CONFORMANCE = "preflight-conformance";
  private static final int PROBLEMS_IN_MESSAGES = 10;
  /** Change id of the search attributes a run keeps current. */
  static final String SEARCH_ATTRIBUTES = "search-attributes";
  /** Change id of the resume point kept in the memo. */
  static final String RESUME_POINT = "resume-point";
  /** Change id of the search attribute GlooMeshApprovalOverdue, set by the approval reminder. */
  static final String APPROVAL_OVERDUE = "approval-overdue";
  /** Change id of gate IDs on approvals and decisions, and of the approval reminder. */
  static final String GATES = "gates";
  /**
   * Change id of SKIP, ACCEPT and ROLLBACK held to the approval rules (approvers, allowSelfApproval), and of an earlier
   * run's approval and acceptances carried on only when their author may give them for this run.
   */
  static final String DECISION_APPROVERS = "decision-approvers";
  /** Change id of step 7 as a window of registrationConcurrency clusters, each with its own outcome. */
  static final String REGISTRATION_WINDOW = "registration-window";
  /** Before the window: fixed batches of this many clusters, and any failure failed the whole step. */
  private static final int REGISTRATION_BATCH = 5;

  private final RunBook book = new RunBook();
  private UpgradeRequest request;
  /** Set once preflight passed: what a rollback puts back. */
  private PreflightReport preflight;
  private UpgradeActivities activities;
  private String rollbackCommand = "";
  private String searchAttributesPublished = "";
  private ResumePoint resumePointPublished;
  private boolean passesOnEarlierRun;
  /** Whether this run keeps GlooMeshApprovalOverdue (runs recorded before it do not). */
  private boolean overdueSearchable;
  /** From the approval reminder until the approval wait ends. */
  private boolean approvalOverdue;
  private boolean awaitingApproval;
  private Approval approval;
  private Approval rejection;
  private Step attentionStep;
  /**
   * Whether SKIP, ACCEPT and ROLLBACK need someone who may approve: null until first needed (decided then, once, in
   * the workflow's own thread, before any gate opens, so a signal handler can rely on it).
   */
  private Boolean decisionsByApprovers;
  /** Whether answers must name the open gate: null until the first gate opens (decided then, once). */
  private Boolean gated;
  private int gatesOpened;
  private String gateToken;
  private String openGate = "";
  /** Whether the step waiting for a decision stopped on conformance problems, which a person may ACCEPT. */
  private boolean reviewingConformance;
  private StepDecision decision;
  /** What the backup is found by: this run's workflow ID, or the first run's when this one carries another on. */
  private String backupId;
  /** The earlier run this one carries on; null when it started afresh. */
  private PreviousRun previous;
  /** The steps the earlier run did whose end state still holds, which this run does not do again: what holds. */
  private final Map<Step, String> carried = new EnumMap<>(Step.class);

  @Override
  public UpgradeReport upgrade(JsonNode rawRequest) {
    try {
      return run(rawRequest);
    } catch (RolledBack done) {
      return done.report;
    }
  }

  /** Ends the run from wherever a person chose to roll back, with its report. */
  private static final class RolledBack extends RuntimeException {
    private final transient UpgradeReport report;

    RolledBack(UpgradeReport report) {
      super(report.summary(), null, false, false);
      this.report = report;
    }
  }

  private UpgradeReport run(JsonNode rawRequest) {
    // Runs recorded before the search attributes replay without their upserts.
    boolean searchable = Workflow.getVersion(SEARCH_ATTRIBUTES, Workflow.DEFAULT_VERSION, 1) >= 1;
    // Runs recorded before resume replay without keeping a resume point in their memo; those recorded at version 1
    // kept only their own steps in it, without passing on what the run they carried on left.
    int resumePointVersion = resumePointVersion();
    boolean resumable = resumePointVersion >= 1;
    passesOnEarlierRun = resumePointVersion >= 2;
    overdueSearchable = searchable && overdueSearchAttributeApplies();
    // The Temporal UI's current details follow the run: where it is, what it waits for, how to answer.
    book.onChange(() -> {
      UpgradeStatus now = book.snapshot();
      Workflow.setCurrentDetails(CurrentDetails.markdown(now));
      if (searchable) {
        publishSearchAttributes(now);
      }
      if (resumable) {
        publishResumePoint();
      }
    });
    try {
      request = UpgradeRequestParser.parse(rawRequest);
    } catch (InvalidRequestException e) {
      book.failed(Step.PREFLIGHT, now(), e.getMessage());
      book.end(RunState.FAILED);
      log.warn("request refused: {}", e.getMessage());
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.INVALID_REQUEST);
    }
    book.target(request.targetVersion());
    book.context(request.managementContext());
    UpgradeActivities act = new UpgradeActivities(request.scaleTimeout());
    activities = act;
    backupId = Workflow.getInfo().getWorkflowId();

    PreflightReport pre = runStep(Step.PREFLIGHT, () -> preflight(act));
    preflight = pre;
    String ctx = pre.context();
    ToolingReport tooling = runStep(Step.TOOLING, () -> {
      ToolingReport t = on(Step.TOOLING).controlPlane.resolveTooling(controlPlaneInput(ctx));
      String crds = "";
      // Runs recorded before the check existed replay without it.
      if (!meshctlAppliesCrds() && Workflow.getVersion(CRD_SOURCE_CHECK, Workflow.DEFAULT_VERSION, 1) >= 1) {
        CrdSourceReport c = on(Step.TOOLING).crds.check(crdInput(ctx));
        crds = "; CRDs: " + c.crds() + " in " + c.groups().size() + " groups, complete, from " + c.source();
      }
      book.detail(Step.TOOLING, t.tool() + " " + t.toolVersion() + ": " + t.detail() + crds);
      return t;
    });

    if (request.dryRun()) {
      // Runs recorded before the server-side dry run existed replay without it.
      boolean serverSide = Workflow.getVersion(SERVER_SIDE_DRY_RUN, Workflow.DEFAULT_VERSION, 1) >= 1;
      if (serverSide) {
        serverSideDryRun(act, ctx);
      }
      book.end(RunState.DRY_RUN_COMPLETE);
      return book.report("dry run of Gloo Mesh " + pre.runningVersion() + " to " + request.targetVersion() + " on "
          + ctx + ": preflight and tooling passed"
          + book.conformanceReviews().stream().filter(r -> r.step() == Step.PREFLIGHT).findFirst()
              .map(r -> ", " + r.outcome().name().toLowerCase(Locale.ROOT) + " conformance to "
                  + r.against()).orElse("")
          + (serverSide ? ", the API server accepted the CRDs and the control plane (server-side dry run)" : "")
          + ", nothing was changed" + (tooling == null ? "" : " (" + tooling.detail() + ")"));
    }

    runOrCarry(Step.SCALE_DOWN, () -> {
      // Before the first change, the configuration goes where it outlives the worker and this run.
      // Runs recorded before the backup existed replay without it.
      String saved = "";
      if (Workflow.getVersion(BACKUP, Workflow.DEFAULT_VERSION, 1) >= 1) {
        BackupResult b = on(Step.SCALE_DOWN).backup.backup(new BackupInput(ctx, request.namespace(), backupId,
            request.discoveryDeployment()));
        book.backup(b.location());
        saved = "backup of " + b.resources() + " resources" + (b.helmValues() ? " and the Helm values" : "")
            + (b.keptExisting() ? " (kept from before)" : "") + "; ";
      }
      ScaleResult n = on(Step.SCALE_DOWN).deployments.scale(scale(ctx, request.networkingDeployment(), 0));
      ScaleResult d = on(Step.SCALE_DOWN).deployments.scale(scale(ctx, request.discoveryDeployment(), 0));
      book.detail(Step.SCALE_DOWN, saved + describe(n) + ", " + describe(d));
      return null;
    });

    runOrCarry(Step.DELETE_DISCOVERY, () -> {
      DiscoveryDeleteResult r = on(Step.DELETE_DISCOVERY).discovery.deleteAll(ctx);
      book.detail(Step.DELETE_DISCOVERY, "deleted " + r.deletedByKind() + " with " + r.collectionDeletes()
          + " collection deletes");
      return r;
    });

    if (meshctlAppliesCrds()) {
      book.skipped(Step.CRDS, now(), "meshctl " + request.targetVersion() + " applies the CRDs itself");
    } else {
      runOrCarry(Step.CRDS, () -> {
        CrdApplyResult r = on(Step.CRDS).crds.apply(crdInput(ctx));
        book.detail(Step.CRDS, r.created().size() + " created, " + r.updated().size() + " updated from " + r.source()
            + (r.convertedFromV1beta1() ? " (converted from v1beta1)" : ""));
        return r;
      });
    }

    runOrCarry(Step.CONTROL_PLANE, () -> {
      ControlPlaneResult r = on(Step.CONTROL_PLANE).controlPlane.upgrade(controlPlaneInput(ctx));
      rollbackCommand = r.rollbackCommand();
      book.detail(Step.CONTROL_PLANE, r.method() + ": " + r.applied().size() + " objects"
          + (r.revisionAfter() > 0 ? ", release " + (r.release() == null || r.release().isBlank() ? ""
              : r.release() + " ") + "revision " + r.revisionBefore() + " to " + r.revisionAfter() : "")
          + (r.replicasReset().isEmpty() ? "" : ", scaled back to 0: " + r.replicasReset())
          + (r.rollbackCommand().isEmpty() ? "" : "; to undo: " + r.rollbackCommand()));
      return r;
    });

    runStep(Step.CONFORMANCE, () -> {
      ConformanceReview review = reviewConformance(Step.CONFORMANCE, "the installed CRDs",
          () -> on(Step.CONFORMANCE).conformance.check(ctx));
      if (review.outcome() != ConformanceReview.Outcome.SKIPPED) {
        book.detail(Step.CONFORMANCE, describe(review));
      }
      return review;
    });

    runOrCarry(Step.REREGISTER, () -> {
      reRegister(act, ctx, pre.clusters());
      return null;
    });

    runOrCarry(Step.DISCOVERY, () -> {
      int replicas = Math.max(1, pre.originalReplicas().getOrDefault(request.discoveryDeployment(), 1));
      on(Step.DISCOVERY).deployments.scale(scale(ctx, request.discoveryDeployment(), replicas));
      awaitDiscovery(act, ctx, pre.discoveryInventory());
      return null;
    });

    if (!approve()) {
      book.end(RunState.REJECTED);
      String summary = "rejected by " + rejection.by() + " (" + rejection.reason() + "): networking stays at 0 "
          + "replicas on " + ctx + "; the new control plane and CRDs are in place. Approve a new run, or roll back.";
      log.info(summary);
      return book.report(summary);
    }

    runOrCarry(Step.NETWORKING, () -> {
      int replicas = Math.max(1, pre.originalReplicas().getOrDefault(request.networkingDeployment(), 1));
      on(Step.NETWORKING).deployments.scale(scale(ctx, request.networkingDeployment(), replicas));
      awaitNetworking(act, ctx);
      return null;
    });

    runStep(Step.VERIFY, () -> {
      VerifyReport cluster = on(Step.VERIFY).verify.verify(new VerifyInput(ctx, request.namespace(), request.targetVersion(),
          List.of(request.discoveryDeployment(), request.networkingDeployment()), request.installMethod(),
          request.meshctlPath(), pre.discoveryInventory()));
      List<VerifyCheck> checks = new ArrayList<>(cluster.checks());
      checks.add(FinalReportChecks.conformance(book.conformanceReviews()));
      VerifyReport r = new VerifyReport(List.copyOf(checks));
      book.verify(r);
      List<VerifyCheck> notGreen = r.checks().stream().filter(c -> c.level() != CheckLevel.GREEN).toList();
      if (r.overall() == CheckLevel.RED) {
        throw ApplicationFailure.newFailure("verify found problems: " + notGreen.stream()
            .map(c -> c.name() + " " + c.level() + ": " + c.detail()).collect(Collectors.joining("; ")),
            FailureTypes.VERIFY_FAILED);
      }
      notGreen.forEach(c -> book.warn("verify: " + c.name() + " " + c.level() + ": " + c.detail() + " (" + c.hint() + ")"));
      book.detail(Step.VERIFY, r.checks().size() + " checks, overall " + r.overall());
      return r;
    });

    CheckLevel overall = book.finalReportLevel();
    book.end(overall == CheckLevel.RED ? RunState.FINISHED_WITH_PROBLEMS : RunState.SUCCEEDED);
    String summary = "Gloo Mesh " + pre.runningVersion() + " to " + request.targetVersion() + " on " + ctx
        + (overall == CheckLevel.RED ? ": finished with problems" : ": succeeded") + (previous == null ? ""
            : ", carrying on run " + previous.describe() + (carried.isEmpty() ? "" : " (not done again: steps "
                + carried.keySet().stream().map(st -> String.valueOf(st.number())).collect(Collectors.joining(", "))
                + ")"))
        + ", approved by " + approval.by()
        + "; final report " + FinalReportChecks.summary(book.verifyReport());
    log.info(summary);
    return book.report(summary);
  }

  /**
   * Steps 4 and 5 sent with dryRun=All: the API server validates every CRD and control-plane object the real run
   * would write (schemas, stored versions, immutable fields, admission) and stores nothing.
   */
  private void serverSideDryRun(UpgradeActivities act, String ctx) {
    if (meshctlAppliesCrds()) {
      book.skipped(Step.CRDS, now(), "meshctl " + request.targetVersion() + " applies the CRDs itself");
    } else {
      runStep(Step.CRDS, () -> {
        CrdApplyResult r = on(Step.CRDS).crds.dryRun(crdInput(ctx));
        book.detail(Step.CRDS, "server dry run: " + r.created().size() + " would be created, " + r.updated().size()
            + " updated from " + r.source() + (r.convertedFromV1beta1() ? " (converted from v1beta1)" : ""));
        return r;
      });
    }
    runStep(Step.CONTROL_PLANE, () -> {
      ControlPlaneResult r = on(Step.CONTROL_PLANE).controlPlane.dryRun(controlPlaneInput(ctx));
      book.detail(Step.CONTROL_PLANE, "server dry run, " + r.method() + ": " + (r.method().equals("manifests")
          ? r.applied().size() + " object(s) would be created or changed" + (r.applied().isEmpty() ? ""
              : " (" + String.join(", ", r.applied()) + "; the changes are in the activity result)")
          : r.output()));
      return r;
    });
  }

  private boolean meshctlAppliesCrds() {
    return request.installMethod() == InstallMethod.MESHCTL
        && !Semver.parse(request.targetVersion()).isLowerThan(MESHCTL_UPSERTS_CRDS_FROM);
  }

  private PreflightReport preflight(UpgradeActivities act) {
    if (request.resumes()) {
      readPreviousRun(request.resumeFrom());
    }
    PreflightReport found = on(Step.PREFLIGHT).preflight.preflight(new PreflightInput(request.managementContext(),
        request.namespace(), request.discoveryDeployment(), request.networkingDeployment(), request.clusters(),
        request.clusterContexts(), request.remoteNamespace(), agentChartsMethod()));
    PreflightReport pre = carriedOn(found);
    book.context(pre.context());
    if (pre == found) {
      for (String deployment : List.of(request.discoveryDeployment(), request.networkingDeployment())) {
        if (found.originalReplicas().getOrDefault(deployment, 1) == 0) {
          book.warn(deployment + " has 0 replicas before the upgrade: if an earlier run scaled it down, carry that run "
              + "on instead (gmu resume, or resumeFrom) to keep the replica counts from before it; this run scales "
              + deployment + " to 1");
        }
      }
    }
    book.fromVersion(pre.runningVersion());
    pre.warnings().forEach(book::warn);
    try {
      VersionPolicy.check(pre.runningVersion(), request.targetVersion(), request.allowDowngrade())
          .forEach(book::warn);
    } catch (VersionPolicy.VersionRefused e) {
      book.failed(Step.PREFLIGHT, now(), e.getMessage());
      book.end(RunState.FAILED);
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.VERSION_POLICY);
    }
    String detail = "running " + pre.runningVersion() + " on " + pre.context() + " (Kubernetes "
        + pre.kubernetesVersion() + "), replicas " + pre.originalReplicas() + ", discovery "
        + pre.discoveryInventory() + (pre == found ? "" : " (as run " + previous.describe()
            + " found them before its first change)") + ", " + pre.clusters().size() + " clusters, "
        + pre.permissionsChecked() + " permissions checked";
    book.detail(Step.PREFLIGHT, detail);
    // A problem found here stops the run while the old control plane still runs, and before a real API server
    // would hide the fields the new schemas prune. Runs recorded before this check replay without it.
    if (Workflow.getVersion(PREFLIGHT_CONFORMANCE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      if (meshctlAppliesCrds()) {
        detail = detail + "; conformance is checked at step 6 only: meshctl " + request.targetVersion()
            + " brings its own CRDs";
        book.detail(Step.PREFLIGHT, detail);
      } else {
        ConformanceReview review = reviewConformance(Step.PREFLIGHT, "the CRDs of " + request.targetVersion()
            + " from the CRD source", () -> on(Step.PREFLIGHT).conformance.checkAgainstTarget(crdInput(pre.context())));
        detail = detail + "; " + describe(review);
        book.detail(Step.PREFLIGHT, detail);
      }
    }
    if (pre != found) {
      book.detail(Step.PREFLIGHT, detail + "; " + planResume(pre));
    }
    return pre;
  }

  // ---- carrying on an earlier run ----

  /** Reads the earlier run; refuses, before anything changes, to carry on a run that is not this same upgrade. */
  private void readPreviousRun(ResumeFrom from) {
    PreviousRun p = on(Step.PREFLIGHT).resume.readPreviousRun(from);
    String refusal = resumeRefusal(from, p);
    if (refusal != null) {
      book.failed(Step.PREFLIGHT, now(), refusal);
      book.end(RunState.FAILED);
      log.warn("request refused: {}", refusal);
      throw ApplicationFailure.newNonRetryableFailure(refusal, FailureTypes.INVALID_REQUEST);
    }
    previous = p;
    ResumePoint point = p.point();
    book.resumedFrom(p.describe());
    if (point.preflight() == null) {
      book.warn("run " + p.describe() + " stopped before its first change: this run starts from the beginning");
      return;
    }
    if (!point.backupId().isEmpty()) {
      backupId = point.backupId();
    }
    if (point.backup() != null) {
      book.backup(point.backup());
    }
    rollbackCommand = point.rollbackCommand();
    // Problems a person accepted in the earlier run are not asked about again, if that person may accept them for
    // this run: its request may name other approvers, and whoever carries it on is its requester.
    for (ConformanceReview review : point.conformance()) {
      String notHis = review.outcome() == ConformanceReview.Outcome.ACCEPTED && decisionsHeldToApprovers()
          ? approverRefusal(review.decidedBy(), true, "answer ACCEPT") : null;
      if (notHis == null) {
        book.conformance(review);
      } else {
        book.warn("resume: the conformance problems accepted at step " + review.step().number() + " of run "
            + p.describe() + " do not stand for this run (" + notHis + "): they are asked about again");
      }
    }
    log.info("resume: carrying on run {} ({}, state {})", p.describe(), p.status(), point.state());
  }

  /** Null when the earlier run is one this run may carry on; else why not, naming the field. */
  private String resumeRefusal(ResumeFrom from, PreviousRun p) {
    String run = "resumeFrom: run " + p.describe();
    switch (p.status()) {
      case PreviousRun.NOT_FOUND -> {
        return "resumeFrom: there is no run " + from.describe() + " in this namespace";
      }
      case PreviousRun.NOT_AN_UPGRADE -> {
        return run + " is not a Gloo Mesh upgrade (workflow type " + UpgradeNames.WORKFLOW_TYPE + ")";
      }
      case PreviousRun.SELF -> {
        return "resumeFrom: " + from.describe() + " names this run itself; give resumeFrom.runId, the run ID of the "
            + "earlier run (gmu resume does)";
      }
      case PreviousRun.RUNNING -> {
        return run + " is still running: answer it, or terminate it, before carrying it on";
      }
      default -> {
        // closed: judged below
      }
    }
    ResumePoint point = p.point();
    if (point == null) {
      return run + " (" + p.status() + ") kept no resume point in its memo: it ran on a version of this workflow from "
          + "before resume; start a new upgrade instead";
    }
    if (point.state() == RunState.SUCCEEDED || point.state() == RunState.DRY_RUN_COMPLETE) {
      return run + " ended " + point.state() + ": there is nothing to carry on";
    }
    if (point.state() == RunState.ROLLED_BACK) {
      return run + " was rolled back: start a new upgrade instead of carrying it on";
    }
    UpgradeRequest old;
    try {
      old = UpgradeRequestParser.parse(p.request());
    } catch (InvalidRequestException e) {
      return run + " was refused and changed nothing (" + e.getMessage() + "): start a new upgrade instead";
    }
    Map<String, List<Object>> fields = new LinkedHashMap<>();
    fields.put("targetVersion", List.of(old.targetVersion(), request.targetVersion()));
    fields.put("managementContext", List.of(old.managementContext(), request.managementContext()));
    fields.put("namespace", List.of(old.namespace(), request.namespace()));
    fields.put("installMethod", List.of(old.installMethod(), request.installMethod()));
    fields.put("discoveryDeployment", List.of(old.discoveryDeployment(), request.discoveryDeployment()));
    fields.put("networkingDeployment", List.of(old.networkingDeployment(), request.networkingDeployment()));
    for (Map.Entry<String, List<Object>> f : fields.entrySet()) {
      if (!f.getValue().get(0).equals(f.getValue().get(1))) {
        return "resumeFrom: run " + p.describe() + " has " + f.getKey() + " \"" + f.getValue().get(0)
            + "\" but this request has \"" + f.getValue().get(1) + "\": a run carries on the same upgrade only";
      }
    }
    return null;
  }

  /**
   * The facts from before the first change, as the first run found them: once networking is at 0 and discovery
   * deleted, the cluster no longer shows the replica counts and inventory to restore.
   */
  private PreflightReport carriedOn(PreflightReport found) {
    if (previous == null || previous.point().preflight() == null) {
      return found;
    }
    PreflightReport before = previous.point().preflight();
    if (!before.context().equals(found.context())) {
      String refusal = "resumeFrom: run " + previous.describe() + " upgraded the management plane on context \""
          + before.context() + "\", but this run's context is \"" + found.context() + "\": set managementContext";
      book.failed(Step.PREFLIGHT, now(), refusal);
      book.end(RunState.FAILED);
      throw ApplicationFailure.newNonRetryableFailure(refusal, FailureTypes.INVALID_REQUEST);
    }
    return new PreflightReport(found.context(), found.kubernetesVersion(), before.runningVersion(),
        before.deploymentVersions(), before.originalReplicas(), before.discoveryInventory(), found.clusters(),
        found.permissionsChecked(), found.warnings());
  }

  /**
   * Which steps of the earlier run this run does not do again: of the steps it finished, in order, those whose end
   * state still holds on the cluster, up to the first that does not. That step and every step after it run again;
   * each of them is safe to repeat. Conformance (6) is read-only and always checked again.
   */
  private String planResume(PreflightReport pre) {
    ResumePoint point = previous.point();
    Step last = null;
    for (Step s : CARRIED_STEPS) {
      if (!doneIn(point, s)) {
        break;
      }
      last = s;
    }
    Step done = last;
    if (last == null) {
      return "run " + previous.describe() + " finished no step that changes the mesh: every step runs";
    }
    Step unfinished = CARRIED_STEPS.stream().filter(s -> s.compareTo(done) > 0).findFirst().orElse(Step.VERIFY);
    EndState seen = on(Step.PREFLIGHT).verify.observeEndState(new EndStateInput(pre.context(), request.namespace(),
        request.targetVersion(), request.discoveryDeployment(), request.networkingDeployment()));
    Step from = null;
    for (Step s : CARRIED_STEPS) {
      if (s.compareTo(last) > 0) {
        break;
      }
      String[] check = endState(s, unfinished, seen, pre, point);
      if (check[1] != null) {
        from = s;
        book.warn("resume: step " + s.number() + " (" + s.title() + "), done by run " + previous.describe()
            + ", no longer holds: " + check[1] + "; this run does it again, and every step after it");
        break;
      }
      if (s != Step.CONFORMANCE) {
        carried.put(s, check[0]);
      }
    }
    Step next = from != null ? from : CARRIED_STEPS.stream().filter(s -> s.compareTo(carriedUpTo()) > 0)
        .findFirst().orElse(Step.VERIFY);
    String plan = "carrying on run " + previous.describe() + " (" + previous.status().toLowerCase(Locale.ROOT)
        + "): " + (carried.isEmpty() ? "no step" : "steps " + carried.keySet().stream()
            .map(s -> String.valueOf(s.number())).collect(Collectors.joining(", "))) + " still hold and are not done"
        + " again; goes on from step " + next.number() + " (" + next.title() + ")";
    log.info("resume: {}", plan);
    return plan;
  }

  private Step carriedUpTo() {
    return carried.keySet().stream().max(Step::compareTo).orElse(Step.TOOLING);
  }

  /** The steps whose end state a resumed run can find on the cluster, in order. */
  private static final List<Step> CARRIED_STEPS = List.of(Step.SCALE_DOWN, Step.DELETE_DISCOVERY, Step.CRDS,
      Step.CONTROL_PLANE, Step.CONFORMANCE, Step.REREGISTER, Step.DISCOVERY, Step.APPROVAL, Step.NETWORKING);

  /** Whether the earlier run finished the step: succeeded, or skipped by this request's own policy. */
  private boolean doneIn(ResumePoint point, Step s) {
    StepState state = point.state(s);
    return state == StepState.SUCCEEDED
        || state == StepState.SKIPPED && (s == Step.CRDS && meshctlAppliesCrds()
            || s == Step.APPROVAL && !request.requireApproval() && point.approval() != null);
  }

  /**
   * The end state step {@code s} left, as later steps leave it: once step 8 is done, or is the step the earlier run
   * stopped in ({@code unfinished}), discovery may be up, and networking once step 10 is; they are then checked by
   * their own step or done again by it. Returns {what holds, null} or {null, what does not}.
   */
  private String[] endState(Step s, Step unfinished, EndState seen, PreflightReport pre, ResumePoint point) {
    List<String> holds = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    String discovery = request.discoveryDeployment();
    String networking = request.networkingDeployment();
    switch (s) {
      case SCALE_DOWN -> {
        if (unfinished.compareTo(Step.NETWORKING) < 0) {
          replicas(seen, networking, 0, holds, wrong);
        }
        if (unfinished.compareTo(Step.DISCOVERY) < 0) {
          replicas(seen, discovery, 0, holds, wrong);
        }
        if (holds.isEmpty() && wrong.isEmpty()) {
          holds.add("discovery and networking scaled up since, by steps 8 and 10");
        }
      }
      case DELETE_DISCOVERY -> {
        if (unfinished.compareTo(Step.DISCOVERY) >= 0) {
          holds.add("discovery recreates its resources from step 8 on");
        } else if (seen.discoveryTotal() == 0) {
          holds.add("no discovery resources");
        } else {
          wrong.add(seen.discoveryTotal() + " discovery resources " + new TreeMap<>(seen.discovery()));
        }
      }
      case CRDS -> {
        if (meshctlAppliesCrds()) {
          holds.add("meshctl applies the CRDs itself");
        } else if (seen.crds().level() == CheckLevel.GREEN) {
          holds.add(seen.crds().detail());
        } else {
          wrong.add(seen.crds().name() + " " + seen.crds().level() + ": " + seen.crds().detail());
        }
      }
      case CONTROL_PLANE -> {
        if (seen.controlPlane().level() == CheckLevel.GREEN) {
          holds.add(seen.controlPlane().detail());
        } else {
          wrong.add(seen.controlPlane().detail());
        }
      }
      case CONFORMANCE -> holds.add("checked again at step 6");
      case REREGISTER -> {
        List<String> missing = pre.clusters().stream().map(RegisteredCluster::name)
            .filter(c -> !seen.registeredClusters().contains(c)).toList();
        if (missing.isEmpty()) {
          holds.add(pre.clusters().size() + " cluster(s) registered with their secrets");
        } else {
          wrong.add("not registered: " + missing);
        }
      }
      case DISCOVERY -> {
        replicas(seen, discovery, Math.max(1, pre.originalReplicas().getOrDefault(discovery, 1)), holds, wrong);
        available(seen, discovery, holds, wrong);
        if (covers(seen.discovery(), pre.discoveryInventory())) {
          holds.add("discovery " + new TreeMap<>(seen.discovery()));
        } else {
          wrong.add("discovery " + new TreeMap<>(seen.discovery()) + " short of " + new TreeMap<>(
              pre.discoveryInventory()));
        }
      }
      case APPROVAL -> {
        // Without requireApproval the approval is the policy's, now as then.
        String refusal = request.requireApproval() && decisionsHeldToApprovers()
            ? approverRefusal(point.approval().by(), true, "approve it") : null;
        if (refusal == null) {
          holds.add("approved by " + point.approval().by() + ": " + point.approval().reason());
        } else {
          wrong.add("the approval does not stand for this run: " + refusal);
        }
      }
      case NETWORKING -> {
        replicas(seen, networking, Math.max(1, pre.originalReplicas().getOrDefault(networking, 1)), holds, wrong);
        available(seen, networking, holds, wrong);
        if (seen.networking().steady()) {
          holds.add(seen.networking().accepted() + " of " + seen.networking().total() + " networking resources "
              + "ACCEPTED");
        } else {
          wrong.add("networking resources not ACCEPTED: " + String.join("; ", seen.networking().notAccepted()));
        }
      }
      default -> throw new IllegalArgumentException("no end state for step " + s);
    }
    return wrong.isEmpty() ? new String[] {String.join(", ", holds), null}
        : new String[] {null, String.join(", ", wrong)};
  }

  private static void replicas(EndState seen, String deployment, int want, List<String> holds, List<String> wrong) {
    Integer now = seen.replicas().get(deployment);
    if (now == null) {
      wrong.add("deployment " + deployment + " not found");
    } else if (now == want) {
      holds.add(deployment + " at " + want + " replicas");
    } else {
      wrong.add(deployment + " at " + now + " replicas, not " + want);
    }
  }

  private static void available(EndState seen, String deployment, List<String> holds, List<String> wrong) {
    if (seen.available().getOrDefault(deployment, 0) < 1) {
      wrong.add(deployment + " has no available replica");
    }
  }

  /** A step the earlier run did and whose end state still holds is recorded as such; any other runs. */
  private void runOrCarry(Step step, Supplier<?> body) {
    String holds = carried.get(step);
    if (holds == null) {
      runStep(step, body);
      return;
    }
    book.carried(step, now(), "done by run " + previous.describe() + "; still holds: " + holds);
    log.info("step {} ({}): done by run {}, still holds: {}", step.number(), step.title(), previous.describe(),
        holds);
  }

  private void reRegister(UpgradeActivities act, String ctx, List<RegisteredCluster> clusters) {
    if (registrationWindowApplies()) {
      reRegisterInWindow(act, ctx, clusters);
      return;
    }
    List<String> done = new ArrayList<>();
    for (int i = 0; i < clusters.size(); i += REGISTRATION_BATCH) {
      List<Promise<ReRegisterResult>> batch = new ArrayList<>();
      for (RegisteredCluster c : clusters.subList(i, Math.min(clusters.size(), i + REGISTRATION_BATCH))) {
        batch.add(Async.function(act.registration::reRegister, reRegisterInput(ctx, c)));
      }
      Promise.allOf(batch).get();
      batch.forEach(p -> done.add(p.get().cluster()));
    }
    book.detail(Step.REREGISTER, "re-registered " + done);
  }

  /** Runs recorded before the window replay the batches they were recorded with. Overridden by a replay test only. */
  boolean registrationWindowApplies() {
    return Workflow.getVersion(REGISTRATION_WINDOW, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /**
   * Re-registers every cluster, at most registrationConcurrency at once; each has its own retries and outcome, and a
   * failure does not stop the others. When all are done and some failed, a person retries those, skips them (with a
   * reason, recorded per cluster) or aborts.
   */
  private void reRegisterInWindow(UpgradeActivities act, String ctx, List<RegisteredCluster> clusters) {
    clusters.forEach(c -> book.registration(new ClusterRegistration(c.name(), c.context(),
        ClusterRegistration.State.PENDING, 0, "")));
    List<RegisteredCluster> todo = clusters;
    while (true) {
      Map<String, String> failed = registerWindow(act, ctx, todo);
      if (failed.isEmpty()) {
        break;
      }
      String why = failed.size() + " of " + clusters.size() + " cluster(s) failed to re-register (the others are "
          + "done): " + failed.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
              .collect(Collectors.joining("; "));
      log.warn("step {} ({}): needs attention: {}", Step.REREGISTER.number(), Step.REREGISTER.title(), why);
      StepDecision d = awaitDecision(Step.REREGISTER, why, false);
      record(d);
      switch (d.decision()) {
        case RETRY -> {
          book.running(Step.REREGISTER, now());
          todo = clusters.stream().filter(c -> failed.containsKey(c.name())).toList();
        }
        case SKIP -> {
          failed.forEach((cluster, error) -> {
            ClusterRegistration r = book.registration(cluster);
            book.registration(new ClusterRegistration(cluster, r.context(), ClusterRegistration.State.SKIPPED,
                r.runs(), "skipped by " + d.by() + ": " + d.reason() + " (after: " + error + ")"));
          });
          book.running(Step.REREGISTER, now());
          todo = List.of();
        }
        case ABORT -> throw abort(Step.REREGISTER, d);
        case ROLLBACK -> throw rollBack(Step.REREGISTER, d);
        case ACCEPT -> throw new IllegalStateException("ACCEPT is refused outside a conformance review");
      }
      if (todo.isEmpty()) {
        break;
      }
    }
    Map<ClusterRegistration.State, List<String>> byState = new EnumMap<>(ClusterRegistration.State.class);
    clusters.forEach(c -> byState.computeIfAbsent(book.registration(c.name()).state(), k -> new ArrayList<>())
        .add(c.name()));
    book.detail(Step.REREGISTER, "re-registered " + byState.getOrDefault(ClusterRegistration.State.REGISTERED,
        List.of()) + (byState.containsKey(ClusterRegistration.State.SKIPPED)
            ? "; skipped " + byState.get(ClusterRegistration.State.SKIPPED) : "")
        + " (" + request.registrationConcurrency() + " at a time)");
  }

  /** Runs the registrations with at most registrationConcurrency at once; returns the failed clusters and why. */
  private Map<String, String> registerWindow(UpgradeActivities act, String ctx, List<RegisteredCluster> clusters) {
    ArrayDeque<RegisteredCluster> queue = new ArrayDeque<>(clusters);
    Map<String, Promise<ReRegisterResult>> running = new LinkedHashMap<>();
    Map<String, String> failed = new TreeMap<>();
    while (!queue.isEmpty() || !running.isEmpty()) {
      while (running.size() < request.registrationConcurrency() && !queue.isEmpty()) {
        RegisteredCluster c = queue.poll();
        ClusterRegistration before = book.registration(c.name());
        book.registration(new ClusterRegistration(c.name(), c.context(), ClusterRegistration.State.RUNNING,
            before.runs() + 1, ""));
        running.put(c.name(), Async.function(act.about("step 7 (re-register): cluster " + c.name() + " for Gloo Mesh "
            + request.targetVersion()).registration::reRegister, reRegisterInput(ctx, c)));
      }
      Workflow.await(() -> running.values().stream().anyMatch(Promise::isCompleted));
      for (var it = running.entrySet().iterator(); it.hasNext();) {
        var entry = it.next();
        if (!entry.getValue().isCompleted()) {
          continue;
        }
        it.remove();
        ClusterRegistration r = book.registration(entry.getKey());
        RuntimeException failure = entry.getValue().getFailure();
        if (failure == null) {
          ReRegisterResult done = entry.getValue().get();
          book.registration(new ClusterRegistration(r.cluster(), r.context(), ClusterRegistration.State.REGISTERED,
              r.runs(), describe(done)));
        } else {
          String why = failure instanceof TemporalFailure tf ? reason(tf) : String.valueOf(failure.getMessage());
          failed.put(r.cluster(), why);
          book.registration(new ClusterRegistration(r.cluster(), r.context(), ClusterRegistration.State.FAILED,
              r.runs(), why));
        }
      }
    }
    return failed;
  }

  private void awaitDiscovery(UpgradeActivities act, String ctx, Map<String, Integer> preflightInventory) {
    Map<String, Integer> inventory = new TreeMap<>(preflightInventory);
    long start = now();
    long lastChange = start;
    Map<String, Integer> last = null;
    int polls = 0;
    while (true) {
      DiscoveryCounts counts = on(Step.DISCOVERY).poll.discovery.count(ctx);
      polls++;
      Map<String, Integer> current = new TreeMap<>(counts.byKind());
      long t = now();
      if (!current.equals(last)) {
        last = current;
        lastChange = t;
      }
      String settled = "";
      if (covers(current, inventory)) {
        settled = "inventory back: " + current;
      } else if ((counts.total() > 0 || total(inventory) == 0)
          && t - lastChange >= request.discoverySettleWindow().toMillis()) {
        settled = "stable for " + DurationText.format(request.discoverySettleWindow()) + " at " + current
            + " (inventory was " + inventory + ")";
        book.warn("discovery settled below the inventory of preflight: " + current + " < " + inventory);
      }
      book.discovery(new DiscoveryProgress(inventory, current, polls, settled));
      if (!settled.isEmpty()) {
        book.detail(Step.DISCOVERY, settled + " after " + polls + " polls");
        return;
      }
      if (t - start >= request.discoveryTimeout().toMillis()) {
        throw ApplicationFailure.newFailure("discovery did not settle within "
            + DurationText.format(request.discoveryTimeout()) + ": found " + current + ", expected " + inventory
            + ". Check the discovery pod's logs; retry to wait again, or skip to go on.", FailureTypes.NOT_SETTLED);
      }
      book.detail(Step.DISCOVERY, "waiting: " + current + " of " + inventory + " after " + polls + " polls");
      Workflow.sleep(request.discoveryPollInterval());
    }
  }

  /**
   * Waits until every networking resource is ACCEPTED at its current generation. Errors while networking starts its
   * watches are expected (the runbook says they settle): they are tolerated until the networking timeout, and those
   * that cleared are reported; those still there at the end stop the step with their errors.
   */
  private void awaitNetworking(UpgradeActivities act, String ctx) {
    long start = now();
    Map<String, String> firstProblem = new TreeMap<>();
    Map<String, Long> troubledAt = new TreeMap<>();
    Map<String, Long> clearedAt = new TreeMap<>();
    int polls = 0;
    while (true) {
      NetworkingStatus s = on(Step.NETWORKING).poll.verify.networkingStatus(ctx);
      polls++;
      long t = now();
      Map<String, String> bad = new TreeMap<>();
      s.notAccepted().forEach(line -> bad.put(resourceOf(line), line));
      bad.forEach((resource, line) -> {
        firstProblem.putIfAbsent(resource, line.substring(resource.length()).replaceFirst("^: ", ""));
        troubledAt.putIfAbsent(resource, t);
        clearedAt.remove(resource);
      });
      firstProblem.keySet().stream().filter(r -> !bad.containsKey(r)).forEach(r -> clearedAt.putIfAbsent(r, t));
      List<String> recovered = clearedAt.entrySet().stream()
          .map(e -> e.getKey() + " (" + firstProblem.get(e.getKey()) + ", ACCEPTED after "
              + DurationText.format(Duration.ofSeconds(
                  Math.round((e.getValue() - troubledAt.get(e.getKey())) / 1000.0))) + ")")
          .toList();
      if (s.steady()) {
        String settled = s.accepted() + " of " + s.total() + " networking resources ACCEPTED"
            + (recovered.isEmpty() ? "" : "; settled after transient errors: " + String.join("; ", recovered));
        book.networking(new NetworkingProgress(s.total(), s.accepted(), List.of(), recovered, polls, settled));
        book.detail(Step.NETWORKING, settled);
        return;
      }
      book.networking(new NetworkingProgress(s.total(), s.accepted(), s.notAccepted(), recovered, polls, ""));
      book.detail(Step.NETWORKING, "waiting: " + s.accepted() + " of " + s.total() + " ACCEPTED");
      if (t - start >= request.networkingTimeout().toMillis()) {
        throw ApplicationFailure.newFailure("networking resources not ACCEPTED after "
            + DurationText.format(request.networkingTimeout()) + ": " + String.join("; ", s.notAccepted())
            + ". Read their status.errors and the networking pod's logs.", FailureTypes.NOT_SETTLED);
      }
      Workflow.sleep(request.discoveryPollInterval());
    }
  }

  /** "Kind namespace/name" of a line of {@link NetworkingStatus#notAccepted()}: Kubernetes names hold no ':'. */
  private static String resourceOf(String notAcceptedLine) {
    int colon = notAcceptedLine.indexOf(": ");
    return colon < 0 ? notAcceptedLine : notAcceptedLine.substring(0, colon);
  }

  /** Step 9. Returns false when a person rejected. */
  private boolean approve() {
    Step step = Step.APPROVAL;
    if (!request.requireApproval()) {
      approval = new Approval("policy", "requireApproval is false in the request");
      book.approval(approval);
      book.skipped(step, now(), "approved by policy: requireApproval is false");
      return true;
    }
    if (carried.containsKey(step)) {
      approval = previous.point().approval();
      book.approval(approval);
      runOrCarry(step, () -> null);
      return true;
    }
    String id = Workflow.getInfo().getWorkflowId();
    String gate = openGate(step);
    String awaiting = "approval to scale networking up" + (gate.isEmpty() ? "" : " (gate " + gate + ")")
        + (request.approvers().isEmpty() ? "" : " by one of " + request.approvers())
        + ": gmu approve --workflow-id " + id + (gate.isEmpty() ? "" : " --gate " + gate)
        + " --by <you> --reason <why>, or temporal workflow signal --workflow-id " + id
        + " --name approve --input '{\"by\":\"<you>\",\"reason\":\"<why>\""
        + (gate.isEmpty() ? "" : ",\"gate\":\"" + gate + "\"") + "}'";
    book.waitingForApproval(step, now(), awaiting);
    book.gate(gate);
    awaitingApproval = true;
    boolean answered;
    Duration reminder = request.approvalReminder();
    if (!gate.isEmpty() && reminder.compareTo(request.approvalTimeout()) < 0) {
      answered = Workflow.await(reminder, () -> approval != null || rejection != null);
      if (!answered) {
        String nudge = "reminder: approval awaited for " + DurationText.format(reminder) + "; the run ends, networking"
            + " still at 0, in " + DurationText.format(request.approvalTimeout().minus(reminder));
        log.warn("step {} ({}): {}: {}", step.number(), step.title(), nudge, awaiting);
        approvalOverdue = true;
        book.warn(nudge);
        book.waitingForApproval(step, now(), nudge + ". " + awaiting);
        book.gate(gate);
        answered = Workflow.await(request.approvalTimeout().minus(reminder),
            () -> approval != null || rejection != null);
      }
    } else {
      answered = Workflow.await(request.approvalTimeout(), () -> approval != null || rejection != null);
    }
    awaitingApproval = false;
    approvalOverdue = false;
    openGate = "";
    book.doneWaiting();
    if (!answered) {
      String why = "nobody approved within " + DurationText.format(request.approvalTimeout())
          + ": networking stays at 0 replicas; start a new run to finish the upgrade";
      book.failed(step, now(), why);
      book.end(RunState.FAILED);
      throw ApplicationFailure.newNonRetryableFailure(why, FailureTypes.APPROVAL_TIMEOUT);
    }
    if (rejection != null) {
      book.failed(step, now(), "rejected by " + rejection.by() + ": " + rejection.reason());
      book.decision("rejected by " + rejection.by() + ": " + rejection.reason());
      return false;
    }
    book.approval(approval);
    book.detail(step, "approved by " + approval.by() + ": " + approval.reason());
    book.succeeded(step, now());
    return true;
  }

  /**
   * Runs a step; when it fails, the run stops at that step, visibly, until a person decides to retry,
   * skip (where that is safe) or abort.
   */
  private <T> T runStep(Step step, Supplier<T> body) {
    while (true) {
      book.running(step, now());
      log.info("step {} ({}): started", step.number(), step.title());
      try {
        T result = body.get();
        // A conformance check a person skipped inside the step stays marked as skipped.
        if (book.state(step) != StepState.SKIPPED) {
          book.succeeded(step, now());
        }
        log.info("step {} ({}): succeeded", step.number(), step.title());
        return result;
      } catch (ActivityFailure | ApplicationFailure e) {
        if (book.state().finished()) {
          throw e;
        }
        String why = reason(e);
        log.warn("step {} ({}): needs attention: {}", step.number(), step.title(), why);
        StepDecision d = awaitDecision(step, why, false);
        record(d);
        switch (d.decision()) {
          case RETRY -> log.info("step {} ({}): retry chosen by {}", step.number(), step.title(), d.by());
          case SKIP -> {
            book.skipped(step, now(), "skipped by " + d.by() + ": " + d.reason() + " (after: " + why + ")");
            return null;
          }
          case ABORT -> throw abort(step, d);
          case ROLLBACK -> throw rollBack(step, d);
          case ACCEPT -> throw new IllegalStateException("ACCEPT is refused outside a conformance review");
        }
      }
    }
  }

  /**
   * Checks the user's resources until they conform, or until a person accepts the problems found (who and why are
   * recorded), skips the check (where the step may be skipped) or aborts. After fixing the resources, a person asks
   * for a re-check with RETRY.
   */
  private ConformanceReview reviewConformance(Step step, String against, Supplier<ConformanceReport> check) {
    int checks = 0;
    while (true) {
      ConformanceReport r = check.get();
      checks++;
      if (r.clean()) {
        ConformanceReview clean = new ConformanceReview(step, against, checks, r.resourcesChecked(), List.of(),
            ConformanceReview.Outcome.CLEAN, "", "", r.leftToChart());
        book.conformance(clean);
        return clean;
      }
      Optional<ConformanceReview> acceptedBefore = acceptedEarlier(r.problems());
      if (acceptedBefore.isPresent()) {
        // The same problems a person accepted in preflight: asking again would add nothing.
        ConformanceReview earlier = acceptedBefore.get();
        ConformanceReview accepted = new ConformanceReview(step, against, checks, r.resourcesChecked(), r.problems(),
            ConformanceReview.Outcome.ACCEPTED, earlier.decidedBy(), "accepted at step " + earlier.step().number()
                + " (" + earlier.step().title() + "): " + earlier.reason(), r.leftToChart());
        book.conformance(accepted);
        return accepted;
      }
      book.conformance(new ConformanceReview(step, against, checks, r.resourcesChecked(), r.problems(),
          ConformanceReview.Outcome.PROBLEMS, "", "", r.leftToChart()));
      long resources = r.problems().stream().map(p -> p.kind() + " " + p.namespace() + "/" + p.name()).distinct()
          .count();
      String why = r.problems().size() + " conformance problem(s) in " + resources + " resource(s) against " + against
          + ": " + r.problems().stream().limit(PROBLEMS_IN_MESSAGES).map(GlooMeshUpgradeWorkflowImpl::describe)
              .collect(Collectors.joining("; "))
          + (r.problems().size() > PROBLEMS_IN_MESSAGES ? "; all of them are in the status" : "");
      log.warn("step {} ({}): needs attention: {}", step.number(), step.title(), why);
      StepDecision d = awaitDecision(step, why, true);
      record(d);
      switch (d.decision()) {
        case RETRY -> {
          log.info("step {} ({}): re-check asked for by {}", step.number(), step.title(), d.by());
          book.running(step, now());
        }
        case ACCEPT -> {
          ConformanceReview accepted = new ConformanceReview(step, against, checks, r.resourcesChecked(),
              r.problems(), ConformanceReview.Outcome.ACCEPTED, d.by(), d.reason(), r.leftToChart());
          book.conformance(accepted);
          book.running(step, now());
          return accepted;
        }
        case SKIP -> {
          book.skipped(step, now(), "skipped by " + d.by() + ": " + d.reason() + " (after: " + why + ")");
          ConformanceReview skipped = new ConformanceReview(step, against, checks, r.resourcesChecked(),
              r.problems(), ConformanceReview.Outcome.SKIPPED, d.by(), d.reason(), r.leftToChart());
          book.conformance(skipped);
          return skipped;
        }
        case ABORT -> throw abort(step, d);
        case ROLLBACK -> throw rollBack(step, d);
      }
    }
  }

  /** The earlier review in which a person accepted every one of these problems (same resource and path), if any. */
  private Optional<ConformanceReview> acceptedEarlier(List<ConformanceProblem> problems) {
    for (ConformanceReview earlier : book.conformanceReviews()) {
      if (earlier.outcome() != ConformanceReview.Outcome.ACCEPTED) {
        continue;
      }
      Set<String> accepted = earlier.problems().stream().map(GlooMeshUpgradeWorkflowImpl::where)
          .collect(Collectors.toSet());
      if (problems.stream().map(GlooMeshUpgradeWorkflowImpl::where).allMatch(accepted::contains)) {
        return Optional.of(earlier);
      }
    }
    return Optional.empty();
  }

  private static String where(ConformanceProblem p) {
    return p.kind() + " " + p.namespace() + "/" + p.name() + " " + p.path();
  }

  private void record(StepDecision d) {
    book.decision(d.step().name() + ": " + d.decision() + " by " + d.by()
        + (d.reason() == null || d.reason().isBlank() ? "" : " (" + d.reason() + ")"));
  }

  /**
   * A person's rollback after a failed step: the configuration back from the backup (when one was taken), then
   * discovery and networking at their original replica counts. The person's decision stands for the approval
   * networking otherwise waits for.
   */
  private RolledBack rollBack(Step step, StepDecision d) {
    String ctx = preflight.context();
    List<String> done = new ArrayList<>();
    log.info("step {} ({}): rollback chosen by {}", step.number(), step.title(), d.by());
    try {
      if (book.backup() != null) {
        RestoreResult restored = activities.about("rollback by " + d.by()).backup.restore(new RestoreInput(ctx,
            request.namespace(), backupId));
        done.add("configuration restored from the backup (" + restored.created().size() + " recreated, "
            + restored.updated().size() + " put back, " + restored.unchanged() + " already as saved)");
      }
      for (String deployment : List.of(request.discoveryDeployment(), request.networkingDeployment())) {
        int replicas = preflight.originalReplicas().getOrDefault(deployment, 1);
        done.add(describe(activities.about("rollback by " + d.by()).deployments.scale(scale(ctx, deployment,
            replicas))));
      }
    } catch (ActivityFailure e) {
      String msg = "the rollback chosen by " + d.by() + " at step " + step.number() + " failed: " + reason(e)
          + (done.isEmpty() ? "" : " (done before that: " + String.join("; ", done) + ")")
          + ". Finish it by hand: gmu restore, then scale " + request.discoveryDeployment() + " and "
          + request.networkingDeployment() + " to " + preflight.originalReplicas();
      book.failed(step, now(), msg);
      book.end(RunState.FAILED);
      throw ApplicationFailure.newNonRetryableFailure(msg, FailureTypes.ROLLBACK_FAILED);
    }
    String summary = "rolled back by " + d.by() + " at step " + step.number() + " (" + step.title() + "): "
        + d.reason() + ". " + String.join("; ", done) + ". The CRDs and the control plane stay as they are"
        + (rollbackCommand.isEmpty() ? "" : "; to undo the control-plane step: " + rollbackCommand);
    book.failed(step, now(), summary);
    book.end(RunState.ROLLED_BACK);
    log.info(summary);
    return new RolledBack(book.report(summary));
  }

  private ApplicationFailure abort(Step step, StepDecision d) {
    String msg = "aborted by " + d.by() + " at step " + step.number() + " (" + step.title() + "): "
        + d.reason() + ". The mesh is left as it is" + safeStateNote(step);
    book.failed(step, now(), msg);
    book.end(RunState.ABORTED);
    return ApplicationFailure.newNonRetryableFailure(msg, FailureTypes.ABORTED);
  }

  private StepDecision awaitDecision(Step step, String why, boolean conformance) {
    String id = Workflow.getInfo().getWorkflowId();
    String gate = openGate(step);
    String decide = "gmu decide --workflow-id " + id + " --step " + step.name()
        + (gate.isEmpty() ? "" : " --gate " + gate);
    boolean heldToApprovers = decisionsHeldToApprovers();
    String awaited = conformance
        ? "a decision on the conformance problems of step " + step.name() + ": fix the resources, then re-check with "
            + decide + " --decision RETRY --by <you>; or accept them with " + decide
            + " --decision ACCEPT --by <you> --reason <why>" + (step.skippable() ? "; or SKIP" : "")
            + (step.compareTo(Step.SCALE_DOWN) >= 0 ? "; or ROLLBACK" : "") + "; or ABORT"
        : "a decision for step " + step.name() + " (RETRY" + (step.skippable() ? ", SKIP" : "")
            + (step.compareTo(Step.SCALE_DOWN) >= 0 && !request.dryRun() ? ", ROLLBACK" : "") + " or ABORT"
            + (step == Step.REREGISTER ? "; RETRY re-registers only the failed clusters, SKIP leaves them "
                + "as they are, recorded on each" : "") + "): " + decide + " --decision RETRY --by <you>";
    book.needsAttention(step, why, awaited + (heldToApprovers ? approvalRule(step, conformance) : ""));
    book.gate(gate);
    attentionStep = step;
    reviewingConformance = conformance;
    decision = null;
    boolean decided = Workflow.await(request.attentionTimeout(), () -> decision != null);
    StepDecision d = decision;
    attentionStep = null;
    reviewingConformance = false;
    decision = null;
    openGate = "";
    book.doneWaiting();
    if (!decided) {
      String msg = "step " + step.number() + " (" + step.title() + ") failed and nobody decided within "
          + DurationText.format(request.attentionTimeout()) + ": " + why + ". The mesh is left as it is"
          + safeStateNote(step);
      book.failed(step, now(), msg);
      book.end(RunState.FAILED);
      throw ApplicationFailure.newNonRetryableFailure(msg, FailureTypes.NEEDS_ATTENTION_TIMEOUT);
    }
    return d;
  }

  private String safeStateNote(Step step) {
    return step.compareTo(Step.SCALE_DOWN) >= 0 && step.compareTo(Step.NETWORKING) < 0
        ? " (networking stays at 0 replicas)." : ".";
  }

  // ---- signals, updates, query ----

  @Override
  public void approve(Approval a) {
    String refusal = approvalRefusal(a);
    if (refusal != null) {
      book.warn("approve signal ignored: " + refusal);
      return;
    }
    approval = a;
  }

  @Override
  public void reject(Approval r) {
    String refusal = approvalRefusal(r, false);
    if (refusal != null) {
      book.warn("reject signal ignored: " + refusal);
      return;
    }
    rejection = r;
  }

  @Override
  public void decide(StepDecision d) {
    String refusal = decisionRefusal(d);
    if (refusal != null) {
      book.warn("decide signal ignored: " + refusal);
      return;
    }
    decision = d;
  }

  @Override
  public String approveNow(Approval a) {
    approval = a;
    return "approved by " + a.by() + ": networking will be scaled up";
  }

  @Override
  public void validateApproveNow(Approval a) {
    refuseIf(approvalRefusal(a));
  }

  @Override
  public String rejectNow(Approval r) {
    rejection = r;
    return "rejected by " + r.by() + ": networking stays at 0 replicas";
  }

  @Override
  public void validateRejectNow(Approval r) {
    refuseIf(approvalRefusal(r, false));
  }

  @Override
  public String decideNow(StepDecision d) {
    decision = d;
    return d.decision() + " of step " + d.step() + " recorded for " + d.by();
  }

  @Override
  public void validateDecideNow(StepDecision d) {
    refuseIf(decisionRefusal(d));
  }

  @Override
  public UpgradeStatus status() {
    return book.snapshot();
  }

  /**
   * What a later run needs to carry this one on, kept small: it is upserted to the memo whenever it changes. A run
   * that carries another on passes on what that one left for the steps it has not reached, so a chain of runs that
   * stop early (a refusal, a terminate in preflight) never loses the first run's facts.
   */
  private ResumePoint resumePoint() {
    ResumePoint earlier = previous == null || !passesOnEarlierRun ? null : previous.point();
    Map<Step, StepState> done = new EnumMap<>(Step.class);
    book.states().forEach((step, state) -> {
      if (state == StepState.SUCCEEDED || state == StepState.SKIPPED) {
        done.put(step, state);
      } else if (state == StepState.PENDING && earlier != null && earlier.steps().containsKey(step)) {
        done.put(step, earlier.steps().get(step));
      }
    });
    PreflightReport facts = preflight == null ? (earlier == null ? null : earlier.preflight())
        : new PreflightReport(preflight.context(), preflight.kubernetesVersion(), preflight.runningVersion(),
            preflight.deploymentVersions(), preflight.originalReplicas(), preflight.discoveryInventory(), List.of(),
            preflight.permissionsChecked(), List.of());
    Approval approved = book.snapshot().approval();
    if (approved == null && earlier != null && book.state(Step.APPROVAL) == StepState.PENDING) {
      approved = earlier.approval();
    }
    return new ResumePoint(request == null ? "" : request.targetVersion(),
        book.state().finished() ? book.state() : RunState.RUNNING, done, facts, backupId == null ? "" : backupId,
        book.backup(), rollbackCommand, book.conformanceReviews().stream()
            .filter(r -> r.outcome() == ConformanceReview.Outcome.ACCEPTED).toList(), approved);
  }

  private void publishResumePoint() {
    ResumePoint now = resumePoint();
    if (now.equals(resumePointPublished)) {
      return;
    }
    resumePointPublished = now;
    Workflow.upsertMemo(Map.of(UpgradeNames.MEMO_RESUME_POINT, now));
  }

  /**
   * A new gate for a person's answer: its ID carries a token drawn once per run and a count, so an answer for another
   * run's gate or for an earlier gate of this one never fits (a reset re-applies signals). Runs recorded before gates
   * had IDs open none.
   */
  private String openGate(Step step) {
    if (gated == null) {
      gated = gatesApply();
    }
    if (!gated) {
      openGate = "";
      return openGate;
    }
    if (gateToken == null) {
      // Recorded in the history, so every replay (a worker's, a reset's, `gmu replay`'s) sees the same IDs; the run
      // ID would not do: a reset replays under a new one, and the offline replayer under a placeholder.
      gateToken = Workflow.sideEffect(String.class, () -> UUID.randomUUID().toString().substring(0, 8));
    }
    gatesOpened++;
    openGate = step.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + gateToken + "-" + gatesOpened;
    return openGate;
  }

  /** 1: the resume point in the memo; 2: passing on the earlier run's. Overridden by a replay test only. */
  int resumePointVersion() {
    return Workflow.getVersion(RESUME_POINT, Workflow.DEFAULT_VERSION, 2);
  }

  /** Runs recorded before GlooMeshApprovalOverdue replay without it. Overridden by a replay test only. */
  boolean overdueSearchAttributeApplies() {
    return Workflow.getVersion(APPROVAL_OVERDUE, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /**
   * Runs recorded before SKIP, ACCEPT and ROLLBACK were held to the approval rules replay without them. Overridden by
   * a replay test only.
   */
  boolean decisionApproversApply() {
    return Workflow.getVersion(DECISION_APPROVERS, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  private boolean decisionsHeldToApprovers() {
    if (decisionsByApprovers == null) {
      decisionsByApprovers = decisionApproversApply();
    }
    return decisionsByApprovers;
  }

  /** The choices at this gate that count as approvals, and who may make them, for the awaited text; "" for none. */
  private String approvalRule(Step step, boolean conformance) {
    List<String> who = new ArrayList<>();
    if (!request.approvers().isEmpty()) {
      who.add("only one of " + request.approvers());
    }
    if (!request.allowSelfApproval() && !request.requestedBy().isBlank()) {
      who.add("not " + request.requestedBy() + ", who requested the upgrade");
    }
    List<String> pastACheck = new ArrayList<>();
    if (step.skippable()) {
      pastACheck.add("SKIP");
    }
    if (conformance) {
      pastACheck.add("ACCEPT");
    }
    boolean rollback = step.compareTo(Step.SCALE_DOWN) >= 0 && !request.dryRun();
    List<String> choices = new ArrayList<>(pastACheck);
    List<String> why = new ArrayList<>();
    if (!pastACheck.isEmpty()) {
      why.add(and(pastACheck) + (pastACheck.size() == 1 ? " goes" : " go") + " past a failed check");
    }
    if (rollback) {
      choices.add("ROLLBACK");
      why.add(decisionNeedsApprover(Decision.ROLLBACK));
    }
    return who.isEmpty() || choices.isEmpty() ? "" : ". " + and(choices) + (choices.size() == 1
        ? " counts as an approval (" : " count as approvals (") + String.join("; ", why) + "): "
        + String.join(", ", who);
  }

  private static String and(List<String> words) {
    return words.size() == 1 ? words.get(0)
        : String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.get(words.size() - 1);
  }

  /** Why {@code d} needs an approver, when it does. */
  private static String decisionNeedsApprover(Decision d) {
    return switch (d) {
      case SKIP, ACCEPT -> d + " goes past a failed check";
      case ROLLBACK -> "ROLLBACK scales networking back up without the approval";
      default -> null;
    };
  }

  /** Runs recorded before gates had IDs replay without them. Overridden by a replay test only. */
  boolean gatesApply() {
    return Workflow.getVersion(GATES, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** Null when the answer names the open gate, or when the run has no gate IDs; else why not. */
  private String gateRefusal(String named) {
    if (!Boolean.TRUE.equals(gated) || openGate.isEmpty()) {
      return null;
    }
    if (named == null || named.isBlank()) {
      return "\"gate\" is required: the open gate is " + openGate + " (shown in the status)";
    }
    if (!named.equals(openGate)) {
      return "the answer names gate " + named + ", but the open gate is " + openGate
          + ": an answer is for the one gate it names";
    }
    return null;
  }

  private String approvalRefusal(Approval a) {
    return approvalRefusal(a, true);
  }

  private String approvalRefusal(Approval a, boolean approving) {
    if (a == null || a.by() == null || a.by().isBlank()) {
      return "\"by\" is required: who approves or rejects";
    }
    if (!awaitingApproval) {
      return "nothing is awaiting approval (run state " + book.state() + ")";
    }
    if (approval != null || rejection != null) {
      return "the approval was already answered";
    }
    String gate = gateRefusal(a.gate());
    if (gate != null) {
      return gate;
    }
    return approverRefusal(a.by(), approving, "approve it");
  }

  /** Null when {@code who} may approve (or, not {@code approving}, reject); else why not. */
  private String approverRefusal(String who, boolean approving, String what) {
    String by = who.trim();
    if (!request.approvers().isEmpty() && request.approvers().stream().noneMatch(by::equalsIgnoreCase)) {
      return by + " is not on the approver list " + request.approvers();
    }
    if (approving && !request.allowSelfApproval() && !request.requestedBy().isBlank()
        && request.requestedBy().equalsIgnoreCase(by)) {
      return by + " requested this upgrade and may not " + what + " (allowSelfApproval is false): another approver "
          + "must";
    }
    return null;
  }

  private String decisionRefusal(StepDecision d) {
    if (d == null || d.decision() == null || d.step() == null) {
      return "\"step\" and \"decision\" (RETRY, SKIP or ABORT) are required";
    }
    if (d.by() == null || d.by().isBlank()) {
      return "\"by\" is required: who decides";
    }
    if (attentionStep == null) {
      return "no step is waiting for a decision (run state " + book.state() + ")";
    }
    if (d.step() != attentionStep) {
      return "the decision names step " + d.step() + " but step " + attentionStep + " is the one waiting";
    }
    if (decision != null) {
      return "a decision for step " + attentionStep + " was already recorded";
    }
    String gate = gateRefusal(d.gate());
    if (gate != null) {
      return gate;
    }
    if (d.decision() == Decision.ROLLBACK && (preflight == null || request.dryRun()
        || book.state(Step.SCALE_DOWN) == StepState.PENDING)) {
      return "nothing has changed yet (step " + attentionStep + " comes before the first change): ABORT ends the run";
    }
    if (d.decision() == Decision.ACCEPT && !reviewingConformance) {
      return "ACCEPT is for conformance problems only: step " + attentionStep + " failed for another reason; RETRY"
          + (attentionStep.skippable() ? ", SKIP" : "") + " or ABORT";
    }
    if (d.decision() == Decision.SKIP && !attentionStep.skippable() && reviewingConformance) {
      return "step " + attentionStep + " cannot be skipped: fix the resources and RETRY to re-check, ACCEPT the "
          + "problems with a reason, or ABORT";
    }
    if (d.decision() == Decision.SKIP && !attentionStep.skippable()) {
      return "step " + attentionStep + " cannot be skipped: it keeps the mesh safe; RETRY or ABORT";
    }
    if (d.decision() != Decision.RETRY && (d.reason() == null || d.reason().isBlank())) {
      return "\"reason\" is required to " + d.decision();
    }
    String needsApprover = decisionNeedsApprover(d.decision());
    if (needsApprover != null && Boolean.TRUE.equals(decisionsByApprovers)) {
      String refusal = approverRefusal(d.by(), true, "answer " + d.decision());
      if (refusal != null) {
        return refusal + " (" + needsApprover + ", so it needs an approver; RETRY and ABORT are open to anyone)";
      }
    }
    return null;
  }

  private static void refuseIf(String refusal) {
    if (refusal != null) {
      throw new IllegalStateException(refusal);
    }
  }

  // ---- helpers ----

  private CrdApplyInput crdInput(String ctx) {
    return new CrdApplyInput(ctx, request.crdSource(), request.targetVersion(), request.scaleTimeout().toSeconds(),
        request.chart());
  }

  private ControlPlaneInput controlPlaneInput(String ctx) {
    return new ControlPlaneInput(ctx, request.namespace(), request.installMethod(), request.helmRelease(),
        request.chart(), request.meshctlPath(), request.targetVersion(), request.discoveryDeployment(),
        request.networkingDeployment(), request.helmValuesFiles());
  }

  /** Upserts target, step and state when one of them changed: an upsert is a history event, a detail is not. */
  private void publishSearchAttributes(UpgradeStatus now) {
    String published = now.targetVersion() + "/" + now.currentStep() + "/" + now.state()
        + (overdueSearchable ? "/" + approvalOverdue : "");
    if (published.equals(searchAttributesPublished)) {
      return;
    }
    searchAttributesPublished = published;
    List<io.temporal.common.SearchAttributeUpdate<?>> updates = new ArrayList<>(List.of(
        UpgradeSearchAttributes.TARGET_VERSION.valueSet(now.targetVersion()),
        UpgradeSearchAttributes.STEP.valueSet(now.currentStep().name()),
        UpgradeSearchAttributes.STATE.valueSet(now.state().name())));
    if (overdueSearchable) {
      updates.add(UpgradeSearchAttributes.APPROVAL_OVERDUE.valueSet(approvalOverdue));
    }
    Workflow.upsertTypedSearchAttributes(updates.toArray(io.temporal.common.SearchAttributeUpdate<?>[]::new));
  }

  /** The stubs with a summary the Temporal UI shows on each activity: the step and what it upgrades. */
  private UpgradeActivities on(Step step) {
    return activities.about("step " + step.number() + " (" + step.title() + "): Gloo Mesh " + request.targetVersion()
        + (book.context().isEmpty() ? "" : " on " + book.context()));
  }

  /** How step 7 installs the agent charts; null when it leaves them alone. */
  private InstallMethod agentChartsMethod() {
    if (request.registrationMethod() == RegistrationMethod.MESHCTL
        || RequestDefaults.AGENT_CHARTS_NONE.equals(request.agentCharts())) {
      return null;
    }
    return request.installMethod() == InstallMethod.MESHCTL ? InstallMethod.HELM : request.installMethod();
  }

  private ReRegisterInput reRegisterInput(String ctx, RegisteredCluster c) {
    InstallMethod agents = request.installMethod() == InstallMethod.MESHCTL ? InstallMethod.HELM
        : request.installMethod();
    return new ReRegisterInput(ctx, request.namespace(), c.name(), c.context(), request.remoteNamespace(),
        request.clusterDomain(), request.registrationMethod(), request.targetVersion(), agents, request.agentCharts(),
        request.chart(), request.meshctlPath());
  }

  private ScaleInput scale(String ctx, String deployment, int replicas) {
    return new ScaleInput(ctx, request.namespace(), deployment, replicas, request.scaleTimeout().toSeconds());
  }

  private static String describe(ReRegisterResult r) {
    if ("meshctl".equals(r.method())) {
      return "by meshctl cluster register";
    }
    return r.created().size() + " created, " + r.updated().size() + " updated"
        + (r.agentReleases().isEmpty() ? "" : "; agents: " + String.join(", ", r.agentReleases()));
  }

  private static String describe(ScaleResult r) {
    return r.deployment() + " " + r.previousReplicas() + "->" + r.replicas()
        + (r.changed() ? "" : " (already)");
  }

  private static String describe(ConformanceReview r) {
    String checked = r.resourcesChecked() + " resource(s) checked against " + r.against()
        + (r.checks() > 1 ? " (" + r.checks() + " checks)" : "");
    String leftToChart = r.leftToChart().isEmpty() ? "" : "; left to the chart, which rewrites them at step 5 and "
        + "step 6 checks them again: " + r.leftToChart().stream().map(GlooMeshUpgradeWorkflowImpl::describe)
            .collect(Collectors.joining("; "));
    return switch (r.outcome()) {
      case CLEAN -> "conformance: " + checked + ", all conform" + leftToChart;
      case ACCEPTED -> "conformance: " + checked + ", " + r.problems().size() + " problem(s) accepted by "
          + r.decidedBy() + ": " + r.reason() + leftToChart;
      case SKIPPED -> "conformance: skipped by " + r.decidedBy() + ": " + r.reason();
      case PROBLEMS -> "conformance: " + checked + ", " + r.problems().size() + " problem(s)";
    };
  }

  private static String describe(ConformanceProblem p) {
    return where(p) + ": " + p.problem();
  }

  private static boolean covers(Map<String, Integer> current, Map<String, Integer> inventory) {
    return inventory.entrySet().stream().allMatch(e -> current.getOrDefault(e.getKey(), 0) >= e.getValue());
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static String reason(TemporalFailure e) {
    Throwable t = e;
    while (t.getCause() != null && t instanceof ActivityFailure) {
      t = t.getCause();
    }
    String message = t instanceof ApplicationFailure af ? af.getOriginalMessage()
        : t instanceof TemporalFailure tf ? tf.getOriginalMessage() : t.getMessage();
    if (e instanceof ActivityFailure af) {
      return af.getActivityType() + ": " + message;
    }
    return message;
  }

  private static long now() {
    return Workflow.currentTimeMillis();
  }

}
