package org.gloomeshupgrade.worker;

import java.nio.file.Path;
import org.gloomeshupgrade.backup.BackupActivitiesImpl;
import org.gloomeshupgrade.notify.NotificationSettings;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.temporal.TemporalConnection;

/**
 * How a worker connects: to Temporal, and to Kubernetes through a kubeconfig, its pod's service
 * account, or both.
 *
 * @param kubeconfig the kubeconfig with a context per cluster; null when the worker reaches only
 *     the cluster its pod runs in
 * @param kubeContext the management context for requests that name none; null for the in-cluster
 *     context if there is one, else the kubeconfig's current one
 * @param inClusterContext the context name requests use for the cluster the worker's pod runs in,
 *     reached with the pod's service account; null for none
 * @param backupFolder where a copy of each run's backup is written on the worker; null for none
 *     (the Secrets on the management cluster only)
 * @param backupsKept how many backups the worker keeps per management cluster, the newest; 0 keeps
 *     all
 * @param trustedSources what requests may name for the worker to read or run
 * @param addSearchAttributes whether the worker checks the namespace's search attributes at
 *     start-up and adds those missing; off where a worker lacks operator rights (Temporal Cloud)
 * @param notifications where runs tell people at their gates and ends; none by default
 */
public record WorkerSettings(
    TemporalConnection temporal,
    String taskQueue,
    Path kubeconfig,
    String kubeContext,
    String inClusterContext,
    Path backupFolder,
    int backupsKept,
    TrustedSources trustedSources,
    boolean addSearchAttributes,
    NotificationSettings notifications) {

  /** Telling nobody. */
  public WorkerSettings(
      TemporalConnection temporal,
      String taskQueue,
      Path kubeconfig,
      String kubeContext,
      String inClusterContext,
      Path backupFolder,
      int backupsKept,
      TrustedSources trustedSources,
      boolean addSearchAttributes) {
    this(
        temporal,
        taskQueue,
        kubeconfig,
        kubeContext,
        inClusterContext,
        backupFolder,
        backupsKept,
        trustedSources,
        addSearchAttributes,
        NotificationSettings.none());
  }

  /** Plain text to a Temporal address, adding missing search attributes. */
  public WorkerSettings(
      String temporalAddress,
      String temporalNamespace,
      String taskQueue,
      Path kubeconfig,
      String kubeContext,
      Path backupFolder,
      int backupsKept,
      TrustedSources trustedSources) {
    this(
        TemporalConnection.plain(temporalAddress, temporalNamespace),
        taskQueue,
        kubeconfig,
        kubeContext,
        null,
        backupFolder,
        backupsKept,
        trustedSources,
        true);
  }

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
