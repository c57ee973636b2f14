package org.gloomeshupgrade.controlplane;

import org.gloomeshupgrade.request.InstallMethod;

/**
 * @param chart chart repository URL, local .tgz or local chart folder
 * @param meshctlPath meshctl binary, or "" for the one on the worker's PATH
 */
public record ControlPlaneInput(
    String context,
    String namespace,
    InstallMethod installMethod,
    String release,
    String chart,
    String meshctlPath,
    String targetVersion,
    String discoveryDeployment,
    String networkingDeployment) {}
