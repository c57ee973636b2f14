package org.gloomeshupgrade.backup;

import java.util.List;

/**
 * @param created resources that were missing, as "Kind namespace/name"
 * @param updated resources whose spec, labels or annotations differed
 * @param unchanged how many were already as saved
 * @param createdUnlisted created beyond the first {@value #MAX_LISTED} listed
 * @param updatedUnlisted the same for {@code updated}
 */
public record RestoreResult(
    String backupId,
    List<String> created,
    List<String> updated,
    int unchanged,
    int createdUnlisted,
    int updatedUnlisted) {
  /** Resources a result names of each outcome; the rest are counted. */
  public static final int MAX_LISTED = 100;

  public RestoreResult {
    created = created == null ? List.of() : List.copyOf(created);
    updated = updated == null ? List.of() : List.copyOf(updated);
  }

  /** Naming every resource: for results small enough to list. */
  public RestoreResult(String backupId, List<String> created, List<String> updated, int unchanged) {
    this(backupId, created, updated, unchanged, 0, 0);
  }

  /** The result of a restore, naming the first {@value #MAX_LISTED} of each outcome. */
  public static RestoreResult listingTheFirst(
      String backupId, List<String> created, List<String> updated, int unchanged) {
    return new RestoreResult(
        backupId,
        created.subList(0, Math.min(created.size(), MAX_LISTED)),
        updated.subList(0, Math.min(updated.size(), MAX_LISTED)),
        unchanged,
        Math.max(0, created.size() - MAX_LISTED),
        Math.max(0, updated.size() - MAX_LISTED));
  }

  public int createdCount() {
    return created.size() + createdUnlisted;
  }

  public int updatedCount() {
    return updated.size() + updatedUnlisted;
  }
}
