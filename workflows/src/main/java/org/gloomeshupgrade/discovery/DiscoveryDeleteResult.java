package org.gloomeshupgrade.discovery;

import java.util.Map;

/**
 * @param deletedByKind kind to how many resources were deleted
 * @param collectionDeletes how many collection deletes were sent (one per kind and namespace)
 */
public record DiscoveryDeleteResult(Map<String, Integer> deletedByKind, int collectionDeletes) {}
