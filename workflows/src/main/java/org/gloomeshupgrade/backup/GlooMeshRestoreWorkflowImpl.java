package org.gloomeshupgrade.backup;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.request.DurationText;
import org.gloomeshupgrade.request.RequestDefaults;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.ApproverPolicy;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.gloomeshupgrade.workflow.UpgradeActivityOptions;
import org.slf4j.Logger;

/**
 * Checks the request, waits for an approval that the approver rules allow, then runs one activity
 * (restore is idempotent, so retrying it is safe). Validators refuse; handlers only record.
 */
public class GlooMeshRestoreWorkflowImpl implements GlooMeshRestoreWorkflow {
  /** The gate an answer names; a restore has one. */
  static final String GATE = "restore-approval";

  /** The change ID recorded in restore histories since restores wait for an approval. */
  static final String APPROVAL_CHANGE = "restore-approval";

  private static final Logger log = Workflow.getLogger(GlooMeshRestoreWorkflowImpl.class);
  private static final int MAX_TEXT = 512;

  private final BackupActivities backups =
      Workflow.newActivityStub(BackupActivities.class, UpgradeActivityOptions.backup());

  private RestoreRequest request;
  private ApproverPolicy policy;
  private RestoreState state = RestoreState.CHECKING;
  private String awaiting = "";
  private Approval approval;
  private Approval rejection;
  private RestoreResult result;

  /**
   * Which version of the approval gate a restore runs: the one its history recorded, or the newest
   * for a new one. A replay test registers, through an implementation factory, a workflow that
   * takes the gate for granted, to show that the guard is needed.
   */
  @FunctionalInterface
  interface GateVersion {
    GateVersion RECORDED = () -> Workflow.getVersion(APPROVAL_CHANGE, Workflow.DEFAULT_VERSION, 1);

    int version();
  }

  private final GateVersion gateVersion;

  public GlooMeshRestoreWorkflowImpl() {
    this(GateVersion.RECORDED);
  }

  GlooMeshRestoreWorkflowImpl(GateVersion gateVersion) {
    this.gateVersion = gateVersion;
  }

  @Override
  public RestoreResult restore(RestoreRequest input) {
    if (gateVersion.version() == Workflow.DEFAULT_VERSION) {
      return restoreAsBeforeTheGate(input);
    }
    try {
      request = checked(input);
    } catch (ApplicationFailure refused) {
      state = RestoreState.FAILED;
      throw refused;
    }
    Duration timeout = approvalTimeout(request);
    policy =
        new ApproverPolicy(
            request.approvers(), request.requestedBy(), request.allowSelfApproval(), "restore");
    if (policy.refusal(request.requestedBy(), true, "approve it") == null) {
      approval =
          new Approval(
              request.requestedBy(),
              "self-approval allowed by the request: " + request.reason(),
              GATE);
    } else {
      state = RestoreState.AWAITING_APPROVAL;
      awaiting = awaited();
      log.info("restore of {}: {}", request.backupId(), awaiting);
      boolean answered = Workflow.await(timeout, () -> approval != null || rejection != null);
      awaiting = "";
      if (!answered) {
        state = RestoreState.APPROVAL_TIMED_OUT;
        throw ApplicationFailure.newNonRetryableFailure(
            "nobody approved the restore of %s within %s: nothing was changed"
                .formatted(request.backupId(), DurationText.format(timeout)),
            FailureTypes.APPROVAL_TIMEOUT);
      }
      if (rejection != null) {
        state = RestoreState.REJECTED;
        throw ApplicationFailure.newNonRetryableFailure(
            "the restore of %s was rejected by %s: %s; nothing was changed"
                .formatted(request.backupId(), rejection.by(), rejection.reason()),
            FailureTypes.REJECTED);
      }
    }
    log.info("restore of {}: approved by {}", request.backupId(), approval.by());
    state = RestoreState.RESTORING;
    try {
      result =
          backups.restore(
              new RestoreInput(request.context(), request.namespace(), request.backupId()));
    } catch (RuntimeException e) {
      state = RestoreState.FAILED;
      throw e;
    }
    state = RestoreState.RESTORED;
    return result;
  }

  /**
   * A restore started before restores waited for an approval, replayed as it ran: one activity,
   * with no requester required.
   */
  private RestoreResult restoreAsBeforeTheGate(RestoreRequest in) {
    RestoreRequest r = in == null ? new RestoreRequest("", "", "", "", "", null, false, "") : in;
    request =
        new RestoreRequest(
            r.context() == null ? RequestDefaults.MANAGEMENT_CONTEXT : r.context(),
            r.namespace() == null || r.namespace().isBlank()
                ? RequestDefaults.NAMESPACE
                : r.namespace(),
            r.backupId() == null ? "" : r.backupId(),
            r.requestedBy() == null ? "" : r.requestedBy(),
            "",
            null,
            true,
            "");
    if (request.backupId().isBlank()) {
      state = RestoreState.FAILED;
      throw invalid("backupId: required (the upgrade's workflow ID)");
    }
    state = RestoreState.RESTORING;
    result =
        backups.restore(
            new RestoreInput(request.context(), request.namespace(), request.backupId()));
    state = RestoreState.RESTORED;
    return result;
  }

  /** The request with its defaults, or the refusal naming the field. */
  static RestoreRequest checked(RestoreRequest in) {
    if (in == null) {
      throw invalid("the request is empty: backupId and requestedBy are required");
    }
    if (in.backupId() == null || in.backupId().isBlank()) {
      throw invalid("backupId: required (gmu backups lists them)");
    }
    if (in.requestedBy() == null || in.requestedBy().isBlank()) {
      throw invalid("requestedBy: required: who asks for the restore");
    }
    for (var field :
        List.of(
            Map.entry("backupId", in.backupId()),
            Map.entry("requestedBy", in.requestedBy()),
            Map.entry("reason", in.reason() == null ? "" : in.reason()),
            Map.entry("context", in.context() == null ? "" : in.context()),
            Map.entry("namespace", in.namespace() == null ? "" : in.namespace()))) {
      if (field.getValue().length() > MAX_TEXT) {
        throw invalid("%s: longer than %d characters".formatted(field.getKey(), MAX_TEXT));
      }
    }
    for (String approver : in.approvers()) {
      if (approver == null || approver.isBlank() || approver.length() > MAX_TEXT) {
        throw invalid("approvers: each must be a name of 1 to %d characters".formatted(MAX_TEXT));
      }
    }
    RestoreRequest withDefaults =
        new RestoreRequest(
            in.context() == null ? RequestDefaults.MANAGEMENT_CONTEXT : in.context(),
            in.namespace() == null || in.namespace().isBlank()
                ? RequestDefaults.NAMESPACE
                : in.namespace(),
            in.backupId(),
            in.requestedBy().trim(),
            in.reason() == null ? "" : in.reason(),
            in.approvers().stream().map(String::trim).toList(),
            in.allowSelfApproval(),
            in.approvalTimeout() == null ? "" : in.approvalTimeout());
    approvalTimeout(withDefaults);
    return withDefaults;
  }

  private static Duration approvalTimeout(RestoreRequest r) {
    if (r.approvalTimeout().isBlank()) {
      return RequestDefaults.APPROVAL_TIMEOUT;
    }
    Duration d =
        DurationText.parse(r.approvalTimeout())
            .orElseThrow(
                () ->
                    invalid(
                        "approvalTimeout: %s is not a duration (for example 30m, 24h)"
                            .formatted(r.approvalTimeout())));
    if (d.isNegative() || d.isZero() || d.compareTo(RequestDefaults.MAX_TIMEOUT) > 0) {
      throw invalid(
          "approvalTimeout: must be above 0 and at most %s"
              .formatted(DurationText.format(RequestDefaults.MAX_TIMEOUT)));
    }
    return d;
  }

  private static ApplicationFailure invalid(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.INVALID_REQUEST);
  }

  private String awaited() {
    String id = Workflow.getInfo().getWorkflowId();
    String who = policy.approvers().isEmpty() ? "anyone" : "one of " + policy.approvers();
    String notRequester =
        policy.allowSelfApproval() ? "" : " other than %s".formatted(request.requestedBy());
    return """
        approval to restore backup %s on %s (it writes over live configuration), by %s%s: \
        gmu approve --workflow-id %s --by <you> --reason <why>, or temporal workflow signal \
        --workflow-id %s --name approve --input '{"by":"<you>","reason":"<why>","gate":"%s"}'"""
        .formatted(
            request.backupId(),
            request.context().isEmpty() ? "the worker's default cluster" : request.context(),
            who,
            notRequester,
            id,
            id,
            GATE);
  }

  @Override
  public void approve(Approval a) {
    String refused = refusal(a, true);
    if (refused != null) {
      log.warn("approve signal ignored: {}", refused);
      return;
    }
    approval = a;
  }

  @Override
  public void reject(Approval r) {
    String refused = refusal(r, false);
    if (refused != null) {
      log.warn("reject signal ignored: {}", refused);
      return;
    }
    rejection = r;
  }

  @Override
  public String approveNow(Approval a) {
    approval = a;
    return "approved by %s: the restore of %s runs now".formatted(a.by(), request.backupId());
  }

  @Override
  public void validateApproveNow(Approval a) {
    refuseIfNot(refusal(a, true));
  }

  @Override
  public String rejectNow(Approval r) {
    rejection = r;
    return "rejected by %s: the restore of %s ends, nothing changed"
        .formatted(r.by(), request.backupId());
  }

  @Override
  public void validateRejectNow(Approval r) {
    refuseIfNot(refusal(r, false));
  }

  private static void refuseIfNot(String refusal) {
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  /** Null when {@code a} may answer the open approval; else why not. */
  private String refusal(Approval a, boolean approving) {
    if (a == null || a.by() == null || a.by().isBlank()) {
      return "\"by\" is required: who approves or rejects";
    }
    if (state != RestoreState.AWAITING_APPROVAL || awaiting.isEmpty()) {
      return "nothing is awaiting approval (restore %s)".formatted(state);
    }
    if (approval != null || rejection != null) {
      return "the approval was already answered";
    }
    if (a.gate() != null && !a.gate().isBlank() && !a.gate().equals(GATE)) {
      return "gate %s is not open: the open gate is %s".formatted(a.gate(), GATE);
    }
    return policy.refusal(a.by(), approving, approving ? "approve it" : "reject it");
  }

  @Override
  public RestoreStatus status() {
    return new RestoreStatus(
        state,
        request == null ? "" : request.context(),
        request == null ? "" : request.backupId(),
        request == null ? "" : request.requestedBy(),
        awaiting,
        awaiting.isEmpty() ? "" : GATE,
        approval,
        rejection,
        result);
  }
}
