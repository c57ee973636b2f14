package org.gloomeshupgrade.preflight;

/**
 * A cluster registered with the management plane (a KubernetesCluster) and the context that reaches
 * it.
 */
public record RegisteredCluster(
    String name, String context, String secretName, String clusterDomain) {}
