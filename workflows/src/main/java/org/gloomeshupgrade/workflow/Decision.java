package org.gloomeshupgrade.workflow;

/** What a person chooses for a step that failed. */
public enum Decision {
  /** Run the step again (after fixing the cause). */
  RETRY,
  /**
   * Go on without it; a reason is required and recorded. Not allowed for steps that keep the mesh
   * safe.
   */
  SKIP,
  /**
   * Go on with the conformance problems found, knowing them; a reason is required and recorded with
   * who accepted. Only for a conformance check that found problems.
   */
  ACCEPT,
  /**
   * Put the mesh back as it ran before the upgrade, as far as the run can: the configuration
   * restored from the backup where one was taken, then discovery and networking scaled back to
   * their original replica counts; the run ends ROLLED_BACK. The CRDs and the control plane stay
   * where they are (the status names the Helm rollback command). A reason is required; refused
   * before anything changed.
   */
  ROLLBACK,
  /** End the run here, leaving the mesh as it is (networking stays at 0 once scaled down). */
  ABORT
}
