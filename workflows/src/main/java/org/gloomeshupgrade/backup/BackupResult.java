package org.gloomeshupgrade.backup;

import java.util.Map;
import org.gloomeshupgrade.messages.SortedCopy;

/**
 * @param location where the backup is, for a person: the Secrets (and the worker's file, if any)
 * @param resourcesByKind how many resources of each kind were saved
 * @param chunks how many Secrets hold it
 * @param bytes its size, compressed
 * @param helmValues whether the Helm release's values are in it
 * @param keptExisting true when a complete backup with this ID already existed and was kept as it
 *     was
 */
public record BackupResult(
    String backupId,
    String location,
    Map<String, Integer> resourcesByKind,
    int chunks,
    long bytes,
    boolean helmValues,
    boolean keptExisting) {
  public BackupResult {
    resourcesByKind = resourcesByKind == null ? Map.of() : SortedCopy.of(resourcesByKind);
  }

  public int resources() {
    return resourcesByKind.values().stream().mapToInt(Integer::intValue).sum();
  }
}
