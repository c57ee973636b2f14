package org.gloomeshupgrade.verify;

/**
 * What to observe: the management plane's deployments and resources, with the target to compare
 * versions with.
 */
public record EndStateInput(
    String context,
    String namespace,
    String targetVersion,
    String discoveryDeployment,
    String networkingDeployment) {}
