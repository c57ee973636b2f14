package org.gloomeshupgrade.controlplane;

import java.util.List;

/**
 * What an installer needs to know, with the kubeconfig context already checked against the worker's
 * kubeconfig.
 *
 * @param chart chart repository URL, chart archive URL, local .tgz or local chart folder
 * @param meshctlPath meshctl binary, or "" for the one on the worker's PATH
 * @param valuesFiles Helm values files on the worker, applied in order over the release's own
 *     values
 * @param revisionBeforeRun the Helm release's revision before the run, 0 when unknown
 */
public record InstallSpec(
    String context,
    String namespace,
    String release,
    String chart,
    String meshctlPath,
    String targetVersion,
    String discoveryDeployment,
    String networkingDeployment,
    List<String> valuesFiles,
    int revisionBeforeRun) {

  public InstallSpec {
    valuesFiles = valuesFiles == null ? List.of() : List.copyOf(valuesFiles);
  }

  /** Without the revision before the run. */
  public InstallSpec(
      String context,
      String namespace,
      String release,
      String chart,
      String meshctlPath,
      String targetVersion,
      String discoveryDeployment,
      String networkingDeployment,
      List<String> valuesFiles) {
    this(
        context,
        namespace,
        release,
        chart,
        meshctlPath,
        targetVersion,
        discoveryDeployment,
        networkingDeployment,
        valuesFiles,
        0);
  }

  /** Without values files. */
  public InstallSpec(
      String context,
      String namespace,
      String release,
      String chart,
      String meshctlPath,
      String targetVersion,
      String discoveryDeployment,
      String networkingDeployment) {
    this(
        context,
        namespace,
        release,
        chart,
        meshctlPath,
        targetVersion,
        discoveryDeployment,
        networkingDeployment,
        List.of());
  }

  /** The same with another release name. */
  public InstallSpec withRelease(String name) {
    return new InstallSpec(
        context,
        namespace,
        name,
        chart,
        meshctlPath,
        targetVersion,
        discoveryDeployment,
        networkingDeployment,
        valuesFiles,
        revisionBeforeRun);
  }

  /** The same with the release's revision before the run. */
  public InstallSpec withRevisionBeforeRun(int revision) {
    return new InstallSpec(
        context,
        namespace,
        release,
        chart,
        meshctlPath,
        targetVersion,
        discoveryDeployment,
        networkingDeployment,
        valuesFiles,
        revision);
  }

  static InstallSpec of(ControlPlaneInput input, String context, String targetVersion) {
    return new InstallSpec(
        context,
        input.namespace(),
        input.release() == null ? "" : input.release(),
        input.chart(),
        input.meshctlPath() == null ? "" : input.meshctlPath(),
        targetVersion,
        input.discoveryDeployment(),
        input.networkingDeployment(),
        input.valuesFiles(),
        input.revisionBeforeRun());
  }
}
