package org.gloomeshupgrade.discovery;

import java.util.Map;
import org.gloomeshupgrade.messages.SortedCopy;

/**
 * @param deletedByKind kind to how many resources were deleted
 * @param collectionDeletes how many collection deletes were sent (one per kind and namespace)
 */
public record DiscoveryDeleteResult(Map<String, Integer> deletedByKind, int collectionDeletes) {
  public DiscoveryDeleteResult {
    deletedByKind = SortedCopy.ofNullable(deletedByKind);
  }
}
