package org.gloomeshupgrade.controlplane;

/**
 * What an installer needs to know, with the kubeconfig context already checked against the worker's kubeconfig.
 *
 * @param chart chart repository URL, chart archive URL, local .tgz or local chart folder
 * @param meshctlPath meshctl binary, or "" for the one on the worker's PATH
 */
public record InstallSpec(
    String context,
    String namespace,
    String release,
    String chart,
    String meshctlPath,
    String targetVersion,
    String discoveryDeployment,
    String networkingDeployment) {

  static InstallSpec of(ControlPlaneInput input, String context, String targetVersion) {
    return new InstallSpec(context, input.namespace(), input.release(), input.chart(),
        input.meshctlPath() == null ? "" : input.meshctlPath(), targetVersion, input.discoveryDeployment(),
        input.networkingDeployment());
  }
}
