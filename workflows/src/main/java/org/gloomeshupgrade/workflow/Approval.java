package org.gloomeshupgrade.workflow;

/**
 * A person's approve or reject: who, why, and the gate it answers.
 *
 * @param gate the ID of the gate this answers, as the status shows it while the gate is open; an
 *     answer naming another gate is refused, so an approval can never be carried into a later gate
 *     (a workflow reset re-applies signals). Null in signals recorded before gates had IDs.
 */
public record Approval(String by, String reason, String gate) {

  /**
   * Without a gate: an approval that answers no open gate, such as the request's own when
   * requireApproval is false. A person's answer without a gate is refused by runs that have gates.
   */
  public Approval(String by, String reason) {
    this(by, reason, null);
  }
}
