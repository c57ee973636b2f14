package org.gloomeshupgrade.crds;

import java.util.List;

/**
 * What the tooling step found at the CRD source, before anything changed.
 *
 * @param source the folder, chart or URL actually read
 * @param crds how many CRDs it holds
 * @param groups the API groups they define, sorted
 */
public record CrdSourceReport(String source, int crds, List<String> groups) {
  public CrdSourceReport {
    groups = groups == null ? List.of() : List.copyOf(groups);
  }
}
