package org.gloomeshupgrade.discovery;

import java.util.Map;

/** Discovery kind (for example Mesh) to the number of resources of that kind. */
public record DiscoveryCounts(Map<String, Integer> byKind) {
  public int total() {
    return byKind.values().stream().mapToInt(Integer::intValue).sum();
  }
}
