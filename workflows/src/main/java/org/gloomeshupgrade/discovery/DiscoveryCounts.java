package org.gloomeshupgrade.discovery;

import java.util.Map;
import org.gloomeshupgrade.messages.SortedCopy;

/** Discovery kind (for example Mesh) to the number of resources of that kind. */
public record DiscoveryCounts(Map<String, Integer> byKind) {
  public DiscoveryCounts {
    byKind = SortedCopy.ofNullable(byKind);
  }

  public int total() {
    return byKind.values().stream().mapToInt(Integer::intValue).sum();
  }
}
