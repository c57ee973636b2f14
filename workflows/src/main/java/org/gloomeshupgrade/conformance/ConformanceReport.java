package org.gloomeshupgrade.conformance;

import java.util.List;

/** @param resourcesChecked how many resources were read and checked */
public record ConformanceReport(int resourcesChecked, List<ConformanceProblem> problems) {
  public boolean clean() {
    return problems.isEmpty();
  }
}
