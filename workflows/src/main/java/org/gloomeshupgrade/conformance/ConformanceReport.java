package org.gloomeshupgrade.conformance;

import java.util.List;

/**
 * @param resourcesChecked how many resources were read and checked
 * @param problems what a person must fix or accept
 * @param leftToChart before the upgrade only: problems of resources the control-plane chart owns
 *     (Helm's ownership marks), which the control-plane step rewrites from the new chart; step 6
 *     checks them again once rewritten. Empty in the check after the upgrade, and null-safe for
 *     results recorded before it existed.
 * @param problemsUnlisted problems found beyond the first {@value #MAX_LISTED} listed
 * @param leftToChartUnlisted the same for {@code leftToChart}
 */
public record ConformanceReport(
    int resourcesChecked,
    List<ConformanceProblem> problems,
    List<ConformanceProblem> leftToChart,
    int problemsUnlisted,
    int leftToChartUnlisted) {
  /**
   * Problems a report lists, the rest counted: one wrong field in 10,000 policies is one cause, and
   * the report is kept in the workflow's history.
   */
  public static final int MAX_LISTED = 100;

  /** Without unlisted problems. */
  public ConformanceReport(
      int resourcesChecked,
      List<ConformanceProblem> problems,
      List<ConformanceProblem> leftToChart) {
    this(resourcesChecked, problems, leftToChart, 0, 0);
  }

  /** Every problem found, listed or not. */
  public int problemCount() {
    return problems.size() + problemsUnlisted;
  }

  public ConformanceReport {
    problems = problems == null ? List.of() : List.copyOf(problems);
    leftToChart = leftToChart == null ? List.of() : List.copyOf(leftToChart);
  }

  public ConformanceReport(int resourcesChecked, List<ConformanceProblem> problems) {
    this(resourcesChecked, problems, List.of());
  }

  public boolean clean() {
    return problems.isEmpty();
  }
}
