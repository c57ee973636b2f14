package org.gloomeshupgrade.backup;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The Gloo Mesh configuration saved before the first change, where it outlives the worker and the
 * run, and put back on request.
 */
@ActivityInterface
public interface BackupActivities {
  /**
   * Saves every Gloo Mesh resource outside the discovery group (all kinds, all namespaces) and the
   * Helm release's values into Secrets of the Gloo Mesh namespace labelled with the backup ID,
   * split below 1 MiB each, and into the worker's backup folder when one is configured. A complete
   * backup with the same ID is kept, not overwritten: a run carried on after its first changes must
   * not replace the state from before them. After a new backup, the cluster's oldest ones beyond
   * the worker's retention are removed.
   */
  @ActivityMethod(name = "BackupConfiguration")
  BackupResult backup(BackupInput input);

  /**
   * Puts every resource of a backup back as it was (spec, labels, annotations): missing ones are
   * created, changed ones updated, equal ones left alone, so a second restore changes nothing.
   */
  @ActivityMethod(name = "RestoreConfiguration")
  RestoreResult restore(RestoreInput input);

  /** The cluster's backups, newest first, without their content. */
  @ActivityMethod(name = "ListBackups")
  BackupList list(BackupListInput input);
}
