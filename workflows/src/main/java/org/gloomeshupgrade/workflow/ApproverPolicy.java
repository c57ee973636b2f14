package org.gloomeshupgrade.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * Who may approve, and answer the choices that count as an approval (SKIP and ACCEPT go past a
 * failed check, ROLLBACK scales networking up without the approval): someone on the approver list,
 * when there is one, and not the person who requested the upgrade unless self-approval is allowed.
 * Pure: validators and the workflow share it.
 */
public record ApproverPolicy(
    List<String> approvers, String requestedBy, boolean allowSelfApproval, String run) {

  /** The policy of an upgrade request. */
  public ApproverPolicy(List<String> approvers, String requestedBy, boolean allowSelfApproval) {
    this(approvers, requestedBy, allowSelfApproval, "upgrade");
  }

  /**
   * Null when {@code who} may approve, or reject when not {@code approving}; else why not.
   *
   * @param what what is refused, for the message: "approve it", "answer SKIP"
   */
  public String refusal(String who, boolean approving, String what) {
    String by = who.trim();
    if (!approvers.isEmpty() && approvers.stream().noneMatch(by::equalsIgnoreCase)) {
      return "%s is not on the approver list %s".formatted(by, approvers);
    }
    if (approving
        && !allowSelfApproval
        && !requestedBy.isBlank()
        && requestedBy.equalsIgnoreCase(by)) {
      return "%s requested this %s and may not %s (allowSelfApproval is false): another approver must"
          .formatted(by, run, what);
    }
    return null;
  }

  /**
   * Why {@code d} needs an approver; null when anyone may choose it (RETRY and ABORT leave
   * networking at 0).
   */
  static String whyApproverNeeded(Decision d) {
    return switch (d) {
      case SKIP, ACCEPT -> d + " goes past a failed check";
      case ROLLBACK -> "ROLLBACK scales networking back up without the approval";
      case RETRY, ABORT -> null;
    };
  }

  /**
   * The choices at a gate that count as approvals, and who may make them, for the awaited text; ""
   * when the list is open to all or no choice counts.
   */
  String rule(Step step, boolean conformance, boolean rollbackOffered) {
    List<String> who = new ArrayList<>();
    if (!approvers.isEmpty()) {
      who.add("only one of " + approvers);
    }
    if (!allowSelfApproval && !requestedBy.isBlank()) {
      who.add("not %s, who requested the %s".formatted(requestedBy, run));
    }
    List<String> pastACheck = new ArrayList<>();
    if (step.skippable()) {
      pastACheck.add("SKIP");
    }
    if (conformance) {
      pastACheck.add("ACCEPT");
    }
    List<String> choices = new ArrayList<>(pastACheck);
    List<String> why = new ArrayList<>();
    if (!pastACheck.isEmpty()) {
      why.add(
          Messages.and(pastACheck)
              + (pastACheck.size() == 1 ? " goes" : " go")
              + " past a failed check");
    }
    if (rollbackOffered) {
      choices.add("ROLLBACK");
      why.add(whyApproverNeeded(Decision.ROLLBACK));
    }
    if (who.isEmpty() || choices.isEmpty()) {
      return "";
    }
    return ". %s %s (%s): %s"
        .formatted(
            Messages.and(choices),
            choices.size() == 1 ? "counts as an approval" : "count as approvals",
            String.join("; ", why),
            String.join(", ", who));
  }
}
