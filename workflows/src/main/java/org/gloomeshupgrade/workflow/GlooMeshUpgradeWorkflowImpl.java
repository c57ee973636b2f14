package org.gloomeshupgrade.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import org.gloomeshupgrade.controlplane.ToolingReport;
import org.gloomeshupgrade.preflight.PreflightReport;
import org.gloomeshupgrade.request.InvalidRequestException;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.gloomeshupgrade.verify.CheckLevel;
import org.slf4j.Logger;

/**
 * The runbook as a workflow (docs/runbook.md). Workflow code only: no I/O, clocks, randomness or
 * threads here or in the parts it delegates to; every action on a cluster is an activity, every
 * wait a durable timer. This class says in which order the steps run and hands each message to the
 * part that owns it.
 */
public final class GlooMeshUpgradeWorkflowImpl implements GlooMeshUpgradeWorkflow {
  private static final Logger log = Workflow.getLogger(GlooMeshUpgradeWorkflowImpl.class);

  private final RunBook book = new RunBook(Workflow::currentTimeMillis);
  private final UpgradeRun run;
  private final RunPublisher publisher;
  private final ResumePlanner resume;
  private final StepRunner steps;
  private final PreflightStep preflight;
  private final RunbookSteps mesh;
  private final ApprovalGate approvals;
  private final DecisionGate decisions;
  private final Cancellation cancellation;
  private final RunNotifier notifier;

  public GlooMeshUpgradeWorkflowImpl() {
    this(ChangeVersions.RECORDED);
  }

  /**
   * @param versions which version of each guarded change the run runs
   */
  GlooMeshUpgradeWorkflowImpl(ChangeVersions versions) {
    run = new UpgradeRun(book, versions);
    resume = new ResumePlanner(run);
    publisher = new RunPublisher(run, resume);
    GateIds gates = new GateIds(versions);
    notifier = new RunNotifier(run);
    decisions = new DecisionGate(run, gates, notifier);
    cancellation = new Cancellation(run);
    steps = new StepRunner(run, decisions, resume, new Rollback(run), cancellation);
    ConformanceReviewer conformance = new ConformanceReviewer(book, steps);
    preflight = new PreflightStep(run, resume, conformance);
    mesh =
        new RunbookSteps(
            run, steps, conformance, new RegistrationWindow(run, steps), new SettleWaits(run));
    approvals = new ApprovalGate(run, gates, publisher, resume, steps, notifier);
  }

  @Override
  public UpgradeReport upgrade(JsonNode rawRequest) {
    UpgradeReport report;
    try {
      report = upgradeOrEnd(rawRequest);
    } catch (TemporalFailure e) {
      notifier.ended(Messages.why(e));
      publisher.awaitFleetTold();
      throw e;
    }
    notifier.ended(report.summary());
    publisher.awaitFleetTold();
    return report;
  }

  private UpgradeReport upgradeOrEnd(JsonNode rawRequest) {
    try {
      return runbook(rawRequest);
    } catch (Rollback.RolledBack done) {
      return done.report();
    } catch (ActivityFailure | CanceledFailure e) {
      if (!cancellation.handles()) {
        throw e;
      }
      throw cancellation.end();
    }
  }

  private UpgradeReport runbook(JsonNode rawRequest) {
    publisher.start();
    UpgradeRequest request = accept(rawRequest);
    // After the request is accepted: a refused one runs nothing, not even a notification.
    notifier.start();
    run.preflight(steps.run(Step.PREFLIGHT, preflight::run));
    ToolingReport tooling = steps.run(Step.TOOLING, mesh::tooling);
    if (request.dryRun()) {
      return mesh.dryRun(tooling);
    }
    steps.runOrCarry(Step.SCALE_DOWN, mesh::scaleDown);
    steps.runOrCarry(Step.DELETE_DISCOVERY, mesh::deleteDiscovery);
    mesh.crds(false);
    steps.runOrCarry(Step.CONTROL_PLANE, mesh::controlPlane);
    steps.run(Step.CONFORMANCE, mesh::conformance);
    steps.runOrCarry(Step.REREGISTER, mesh::reRegister);
    steps.runOrCarry(Step.DISCOVERY, mesh::scaleUpDiscovery);
    if (!approvals.approve()) {
      return rejected();
    }
    steps.runOrCarry(Step.NETWORKING, mesh::scaleUpNetworking);
    steps.run(Step.VERIFY, mesh::verify);
    return finished();
  }

  /** The request parsed, or the run ended naming the field, before anything ran. */
  private UpgradeRequest accept(JsonNode rawRequest) {
    UpgradeRequest request;
    try {
      request =
          UpgradeRequestParser.parse(
              rawRequest,
              switch (run.versions.version(Change.REQUEST_LIMITS)) {
                case Workflow.DEFAULT_VERSION -> UpgradeRequestParser.Rules.BEFORE_LIMITS;
                case 1 -> UpgradeRequestParser.Rules.BEFORE_SOURCE_FORMS;
                case 2 -> UpgradeRequestParser.Rules.BEFORE_NOTIFY_NOTE;
                default -> UpgradeRequestParser.Rules.ALL;
              });
    } catch (InvalidRequestException e) {
      book.failed(Step.PREFLIGHT, e.getMessage());
      book.end(RunState.FAILED);
      log.warn("request refused: {}", e.getMessage());
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.INVALID_REQUEST);
    }
    run.accepted(request);
    return request;
  }

  private UpgradeReport rejected() {
    book.end(RunState.REJECTED);
    Approval rejection = approvals.rejection();
    String summary =
        """
        rejected by %s (%s): networking stays at 0 replicas on %s; the new control plane and CRDs are in place. \
        Approve a new run, or roll back."""
            .formatted(rejection.by(), rejection.reason(), run.preflight().context());
    log.info(summary);
    return book.report(summary);
  }

  private UpgradeReport finished() {
    CheckLevel overall = book.finalReportLevel();
    book.end(overall == CheckLevel.RED ? RunState.FINISHED_WITH_PROBLEMS : RunState.SUCCEEDED);
    PreflightReport pre = run.preflight();
    String summary =
        "Gloo Mesh %s to %s on %s: %s%s, approved by %s; final report %s"
            .formatted(
                pre.runningVersion(),
                run.request().targetVersion(),
                pre.context(),
                overall == CheckLevel.RED ? "finished with problems" : "succeeded",
                resume.summary(),
                approvals.approval().by(),
                FinalReportChecks.summary(book.verifyReport()));
    log.info(summary);
    return book.report(summary);
  }

  // Signals note a refusal in the run's warnings; updates
  // refuse in their validators. Handlers only record.

  @Override
  public void approve(Approval a) {
    String refusal = approvals.refusal(a, true);
    if (refusal != null) {
      book.warn("approve signal ignored: " + refusal);
      return;
    }
    approvals.approve(a);
  }

  @Override
  public void reject(Approval r) {
    String refusal = approvals.refusal(r, false);
    if (refusal != null) {
      book.warn("reject signal ignored: " + refusal);
      return;
    }
    approvals.reject(r);
  }

  @Override
  public void decide(StepDecision d) {
    String refusal = decisions.refusal(d);
    if (refusal != null) {
      book.warn("decide signal ignored: " + refusal);
      return;
    }
    decisions.decide(d);
  }

  @Override
  public void validateApproveNow(Approval a) {
    refuseIf(approvals.refusal(a, true));
  }

  @Override
  public String approveNow(Approval a) {
    approvals.approve(a);
    return "approved by %s: networking will be scaled up".formatted(a.by());
  }

  @Override
  public void validateRejectNow(Approval r) {
    refuseIf(approvals.refusal(r, false));
  }

  @Override
  public String rejectNow(Approval r) {
    approvals.reject(r);
    return "rejected by %s: networking stays at 0 replicas".formatted(r.by());
  }

  @Override
  public void validateDecideNow(StepDecision d) {
    refuseIf(decisions.refusal(d));
  }

  @Override
  public String decideNow(StepDecision d) {
    decisions.decide(d);
    return "%s of step %s recorded for %s".formatted(d.decision(), d.step(), d.by());
  }

  @Override
  public UpgradeStatus status() {
    return book.snapshot();
  }

  private static void refuseIf(String refusal) {
    if (refusal != null) {
      throw new IllegalStateException(refusal);
    }
  }
}
