package org.gloomeshupgrade.worker;

import java.nio.file.Path;

/**
 * How a worker connects: to Temporal, and to Kubernetes through one kubeconfig.
 *
 * @param kubeContext the management context for requests that name none; null for the kubeconfig's current one
 */
public record WorkerSettings(String temporalAddress, String temporalNamespace, String taskQueue, Path kubeconfig,
    String kubeContext) {}
