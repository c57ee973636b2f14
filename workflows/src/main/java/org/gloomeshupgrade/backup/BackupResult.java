package org.gloomeshupgrade.backup;

import java.util.List;
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
 * @param removed older backups of the cluster removed by the worker's retention, by ID
 * @param retentionProblems older backups retention should have removed and could not, with why
 */
public record BackupResult(
    String backupId,
    String location,
    Map<String, Integer> resourcesByKind,
    int chunks,
    long bytes,
    boolean helmValues,
    boolean keptExisting,
    List<String> removed,
    List<String> retentionProblems) {
  public BackupResult {
    resourcesByKind = resourcesByKind == null ? Map.of() : SortedCopy.of(resourcesByKind);
    removed = removed == null ? List.of() : List.copyOf(removed);
    retentionProblems = retentionProblems == null ? List.of() : List.copyOf(retentionProblems);
  }

  public int resources() {
    return resourcesByKind.values().stream().mapToInt(Integer::intValue).sum();
  }
}
