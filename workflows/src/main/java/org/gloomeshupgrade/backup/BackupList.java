package org.gloomeshupgrade.backup;

import java.util.List;

/**
 * A cluster's backups, newest first.
 *
 * @param context the management context actually used
 * @param keep how many the worker keeps per cluster (0: all)
 */
public record BackupList(String context, String namespace, int keep, List<BackupSummary> backups) {
  public BackupList {
    backups = backups == null ? List.of() : List.copyOf(backups);
  }
}
