package org.gloomeshupgrade.workflow;

/**
 * The workflow's guarded changes: each is a {@code Workflow.getVersion} change ID with its newest
 * version. A run recorded before a change replays without it. docs/design.md keeps the register:
 * what each guards and the recorded history that proves it.
 */
enum Change {
  /** The dry run's server-side checks of the CRDs and the control plane. */
  SERVER_SIDE_DRY_RUN("server-side-dry-run", 1),
  /** The tooling step's check that the CRD source is the target's complete set. */
  CRD_SOURCE_CHECK("crd-source-check", 1),
  /** The backup taken before the first change. */
  BACKUP("backup", 1),
  /** Preflight's conformance check against the target's CRDs. */
  PREFLIGHT_CONFORMANCE("preflight-conformance", 1),
  /** The search attributes a run keeps current. */
  SEARCH_ATTRIBUTES("search-attributes", 1),
  /** 1: the resume point kept in the memo; 2: passing on the resume point of the run carried on. */
  RESUME_POINT("resume-point", 2),
  /** The search attribute GlooMeshApprovalOverdue, set by the approval reminder. */
  APPROVAL_OVERDUE("approval-overdue", 1),
  /** Gate IDs on approvals and decisions, and the approval reminder. */
  GATES("gates", 1),
  /**
   * SKIP, ACCEPT and ROLLBACK held to the approval rules, and an earlier run's approval and
   * acceptances carried on only when their author may give them for this run.
   */
  DECISION_APPROVERS("decision-approvers", 1),
  /** Step 7 as a window of registrationConcurrency clusters, each with its own outcome. */
  REGISTRATION_WINDOW("registration-window", 1),
  /** A cancelled run ends saying so, with networking kept at 0 when the run had brought it down. */
  CANCELLATION("cancellation", 1),
  /**
   * 1: the request's limits on sizes, and the relations between deployments, settle window, poll
   * interval and timeouts, and cluster names; 2: the form of the fields naming what the worker
   * reads or runs, URLs with credentials refused; 3: the field notifyNote accepted
   * (UpgradeRequestParser.Rules).
   */
  REQUEST_LIMITS("request-limits", 3),
  /**
   * Notifications at every gate and at the end: the worker's destinations read once, each event
   * delivered by an activity of its own.
   */
  NOTIFICATIONS("notifications", 1);

  private final String id;
  private final int newest;

  Change(String id, int newest) {
    this.id = id;
    this.newest = newest;
  }

  /** The change ID recorded in histories: never rename one. */
  String id() {
    return id;
  }

  int newest() {
    return newest;
  }
}
