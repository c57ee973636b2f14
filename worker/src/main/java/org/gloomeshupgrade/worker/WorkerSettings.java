package org.gloomeshupgrade.worker;

import java.nio.file.Path;

/**
 * How a worker connects: to Temporal, and to Kubernetes through one kubeconfig.
 *
 * @param kubeContext the management context for requests that name none; null for the kubeconfig's
 *     current one
 * @param backupFolder where a copy of each run's backup is written on the worker; null for none
 *     (the Secrets on the management cluster only)
 */
public record WorkerSettings(
    String temporalAddress,
    String temporalNamespace,
    String taskQueue,
    Path kubeconfig,
    String kubeContext,
    Path backupFolder) {

  /** Without a backup folder. */
  public WorkerSettings(
      String temporalAddress,
      String temporalNamespace,
      String taskQueue,
      Path kubeconfig,
      String kubeContext) {
    this(temporalAddress, temporalNamespace, taskQueue, kubeconfig, kubeContext, null);
  }
}
