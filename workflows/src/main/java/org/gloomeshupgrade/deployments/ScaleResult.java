package org.gloomeshupgrade.deployments;

/**
 * @param previousReplicas spec.replicas before this call
 * @param changed false when the deployment already had the wanted replica count
 * @param waitedMillis time spent waiting for pods
 */
public record ScaleResult(
    String deployment, int previousReplicas, int replicas, boolean changed, long waitedMillis) {}
