package org.gloomeshupgrade.backup;

import java.util.List;

/**
 * @param created resources that were missing, as "Kind namespace/name"
 * @param updated resources whose spec, labels or annotations differed
 * @param unchanged how many were already as saved
 */
public record RestoreResult(
    String backupId, List<String> created, List<String> updated, int unchanged) {
  public RestoreResult {
    created = created == null ? List.of() : List.copyOf(created);
    updated = updated == null ? List.of() : List.copyOf(updated);
  }
}
