package org.gloomeshupgrade.worker;

import java.nio.file.Path;
import org.gloomeshupgrade.backup.BackupActivitiesImpl;
import org.gloomeshupgrade.sources.TrustedSources;

/**
 * How a worker connects: to Temporal, and to Kubernetes through one kubeconfig.
 *
 * @param kubeContext the management context for requests that name none; null for the kubeconfig's
 *     current one
 * @param backupFolder where a copy of each run's backup is written on the worker; null for none
 *     (the Secrets on the management cluster only)
 * @param backupsKept how many backups the worker keeps per management cluster, the newest; 0 keeps
 *     all
 * @param trustedSources what requests may name for the worker to read or run
 */
public record WorkerSettings(
    String temporalAddress,
    String temporalNamespace,
    String taskQueue,
    Path kubeconfig,
    String kubeContext,
    Path backupFolder,
    int backupsKept,
    TrustedSources trustedSources) {

  /** Without a backup folder, keeping the default number of backups, trusting the defaults. */
  public WorkerSettings(
      String temporalAddress,
      String temporalNamespace,
      String taskQueue,
      Path kubeconfig,
      String kubeContext) {
    this(
        temporalAddress,
        temporalNamespace,
        taskQueue,
        kubeconfig,
        kubeContext,
        null,
        BackupActivitiesImpl.DEFAULT_KEEP,
        TrustedSources.defaults());
  }
}
