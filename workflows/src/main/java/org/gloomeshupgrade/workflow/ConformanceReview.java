package org.gloomeshupgrade.workflow;

import java.util.List;
import org.gloomeshupgrade.conformance.ConformanceProblem;

/**
 * One conformance check of the user's resources (preflight against the target's CRDs, step 6
 * against the installed ones) and what became of its problems.
 *
 * @param against what the resources were checked against, for people
 * @param checks how many times the resources were checked: a re-check after a fix counts
 * @param resourcesChecked resources read by the latest check
 * @param problems the latest check's problems, each with its resource, JSON path and hint
 * @param decidedBy who accepted or skipped the problems, "" otherwise
 * @param reason why they did
 * @param leftToChart problems of objects the control-plane chart owns and rewrites at step 5
 *     (preflight only); step 6 checks them again
 * @param problemsUnlisted problems the check found beyond those listed
 */
public record ConformanceReview(
    Step step,
    String against,
    int checks,
    int resourcesChecked,
    List<ConformanceProblem> problems,
    Outcome outcome,
    String decidedBy,
    String reason,
    List<ConformanceProblem> leftToChart,
    int problemsUnlisted) {

  /** Every problem the latest check found, listed or not. */
  public int problemCount() {
    return problems.size() + problemsUnlisted;
  }

  public enum Outcome {
    /** No problem in the latest check. */
    CLEAN,
    /**
     * Problems found; the run waits for a person to fix them and ask for a re-check, or accept
     * them.
     */
    PROBLEMS,
    /** A person accepted the problems listed, knowing them. */
    ACCEPTED,
    /** A person skipped the check after it failed. */
    SKIPPED
  }

  public ConformanceReview {
    problems = problems == null ? List.of() : List.copyOf(problems);
    decidedBy = decidedBy == null ? "" : decidedBy;
    reason = reason == null ? "" : reason;
    leftToChart = leftToChart == null ? List.of() : List.copyOf(leftToChart);
  }
}
