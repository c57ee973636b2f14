package org.gloomeshupgrade.deployments;

/**
 * @param timeoutSeconds how long to wait for pods to go away or become available
 */
public record ScaleInput(
    String context, String namespace, String deployment, int replicas, long timeoutSeconds) {}
