package org.gloomeshupgrade.conformance;

import java.util.List;

/**
 * @param resourcesChecked how many resources were read and checked
 * @param problems what a person must fix or accept
 * @param leftToChart before the upgrade only: problems of resources the control-plane chart owns
 *     (Helm's ownership marks), which the control-plane step rewrites from the new chart; step 6
 *     checks them again once rewritten. Empty in the check after the upgrade, and null-safe for
 *     results recorded before it existed.
 */
public record ConformanceReport(
    int resourcesChecked, List<ConformanceProblem> problems, List<ConformanceProblem> leftToChart) {

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
