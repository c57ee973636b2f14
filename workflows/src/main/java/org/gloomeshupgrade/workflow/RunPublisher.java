package org.gloomeshupgrade.workflow;

import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.preflight.PreflightReport;

/**
 * Publishes the run after every change of its record: the Temporal UI's current details (where it
 * is, what it waits for, how to answer), the search attributes (target, step, state, approval
 * overdue), the resume point in the memo, and the metrics of what changed. An upsert is a command
 * in the history, so the search attributes and the memo are upserted only when they changed: which
 * change of the record comes first decides the recorded commands.
 */
final class RunPublisher {
  private final UpgradeRun run;
  private final ResumePlanner resume;
  private final RunMetrics metrics = new RunMetrics();
  private final FleetReporter fleet;
  private boolean searchable;
  private boolean resumable;
  private boolean passesOnEarlierRun;

  /** Whether this run keeps GlooMeshApprovalOverdue (runs recorded before it do not). */
  private boolean overdueSearchable;

  /** From the approval reminder until the approval wait ends. */
  private boolean approvalOverdue;

  private String searchAttributesPublished = "";
  private ResumePoint resumePointPublished;

  RunPublisher(UpgradeRun run, ResumePlanner resume) {
    this.run = run;
    this.resume = resume;
    this.fleet = new FleetReporter(run);
  }

  /**
   * Asks which publications this run makes (in the order recorded) and publishes at every change
   * from now on.
   */
  void start() {
    ChangeVersions versions = run.versions;
    // Runs recorded before the search attributes replay without their upserts.
    searchable = versions.applies(Change.SEARCH_ATTRIBUTES);
    // Runs recorded before resume replay without a resume point in
    // their memo; those recorded at version 1 kept only their own steps
    // in it, without passing on what the run they carried on left.
    int resumePointVersion = versions.version(Change.RESUME_POINT);
    resumable = resumePointVersion >= 1;
    passesOnEarlierRun = resumePointVersion >= 2;
    overdueSearchable = searchable && versions.applies(Change.APPROVAL_OVERDUE);
    fleet.start();
    run.book.onChange(this::publish);
  }

  /** Published with the record's next change, as runs recorded with the flag did. */
  void approvalOverdue(boolean overdue) {
    if (overdue && !approvalOverdue) {
      metrics.approvalOverdue();
    }
    this.approvalOverdue = overdue;
  }

  /** At the run's end: its last report to its fleet sent, if it has one. */
  void awaitFleetTold() {
    // A cancelled run still tells its fleet how it ended.
    Workflow.newDetachedCancellationScope(fleet::awaitLastReport).run();
  }

  private void publish() {
    UpgradeStatus now = run.book.snapshot();
    Workflow.setCurrentDetails(CurrentDetails.markdown(now));
    metrics.observe(now);
    if (searchable) {
      publishSearchAttributes(now);
    }
    if (resumable) {
      publishResumePoint();
    }
    fleet.report(now);
  }

  private void publishSearchAttributes(UpgradeStatus now) {
    String published =
        "%s/%s/%s%s"
            .formatted(
                now.targetVersion(),
                now.currentStep(),
                now.state(),
                overdueSearchable ? "/" + approvalOverdue : "");
    if (published.equals(searchAttributesPublished)) {
      return;
    }
    searchAttributesPublished = published;
    List<SearchAttributeUpdate<?>> updates =
        new ArrayList<>(
            List.of(
                UpgradeSearchAttributes.TARGET_VERSION.valueSet(now.targetVersion()),
                UpgradeSearchAttributes.STEP.valueSet(now.currentStep().name()),
                UpgradeSearchAttributes.STATE.valueSet(now.state().name())));
    if (overdueSearchable) {
      updates.add(UpgradeSearchAttributes.APPROVAL_OVERDUE.valueSet(approvalOverdue));
    }
    Workflow.upsertTypedSearchAttributes(updates.toArray(SearchAttributeUpdate<?>[]::new));
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
   * What a later run needs to carry this one on, kept small. A run that carries another on passes
   * on what that one left for the steps it has not reached, so a chain of runs that stop early (a
   * refusal, a terminate in preflight) never loses the first run's facts.
   */
  private ResumePoint resumePoint() {
    RunBook book = run.book;
    ResumePoint earlier =
        resume.previous() == null || !passesOnEarlierRun ? null : resume.previous().point();
    Map<Step, StepState> done = new EnumMap<>(Step.class);
    book.states()
        .forEach(
            (step, state) -> {
              if (state == StepState.SUCCEEDED || state == StepState.SKIPPED) {
                done.put(step, state);
              } else if (state == StepState.PENDING
                  && earlier != null
                  && earlier.steps().containsKey(step)) {
                done.put(step, earlier.steps().get(step));
              }
            });
    PreflightReport found = run.preflight();
    PreflightReport facts =
        found == null
            ? (earlier == null ? null : earlier.preflight())
            : new PreflightReport(
                found.context(),
                found.kubernetesVersion(),
                found.runningVersion(),
                found.deploymentVersions(),
                found.originalReplicas(),
                found.discoveryInventory(),
                List.of(),
                found.permissionsChecked(),
                List.of());
    Approval approved = book.snapshot().approval();
    if (approved == null && earlier != null && book.state(Step.APPROVAL) == StepState.PENDING) {
      approved = earlier.approval();
    }
    List<ConformanceReview> accepted =
        book.conformanceReviews().stream()
            .filter(r -> r.outcome() == ConformanceReview.Outcome.ACCEPTED)
            .toList();
    return new ResumePoint(
        run.request() == null ? "" : run.request().targetVersion(),
        book.state().finished() ? book.state() : RunState.RUNNING,
        done,
        facts,
        run.backupId() == null ? "" : run.backupId(),
        book.backup(),
        run.rollbackCommand(),
        accepted,
        approved);
  }
}
