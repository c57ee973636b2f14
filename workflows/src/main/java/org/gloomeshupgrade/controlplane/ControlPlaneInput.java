package org.gloomeshupgrade.controlplane;

import java.util.List;
import org.gloomeshupgrade.request.InstallMethod;

/**
 * @param chart chart repository URL, local .tgz or local chart folder
 * @param meshctlPath meshctl binary, or "" for the one on the worker's PATH
 * @param valuesFiles Helm values files on the worker, applied in order over the release's own
 *     values
 * @param revisionBeforeRun the Helm release's revision before the run (from the tooling step), for
 *     the rollback command whatever an earlier attempt of the step wrote; 0 when unknown
 * @param crdSource the request's CRD source, for the tooling step to check against the worker's
 *     trusted sources before any change; null when the CRDs are not read from one (meshctl applies
 *     them) or in histories recorded before
 * @param agentCharts the request's agent chart location, checked the same way; null when step 7
 *     leaves the agents to meshctl, or in histories recorded before
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
    String networkingDeployment,
    List<String> valuesFiles,
    int revisionBeforeRun,
    String crdSource,
    String agentCharts) {

  public ControlPlaneInput {
    valuesFiles = valuesFiles == null ? List.of() : List.copyOf(valuesFiles);
  }

  /** Without the CRD source and agent charts to check. */
  public ControlPlaneInput(
      String context,
      String namespace,
      InstallMethod installMethod,
      String release,
      String chart,
      String meshctlPath,
      String targetVersion,
      String discoveryDeployment,
      String networkingDeployment,
      List<String> valuesFiles,
      int revisionBeforeRun) {
    this(
        context,
        namespace,
        installMethod,
        release,
        chart,
        meshctlPath,
        targetVersion,
        discoveryDeployment,
        networkingDeployment,
        valuesFiles,
        revisionBeforeRun,
        null,
        null);
  }

  /** Without the revision before the run. */
  public ControlPlaneInput(
      String context,
      String namespace,
      InstallMethod installMethod,
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
        installMethod,
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
  public ControlPlaneInput(
      String context,
      String namespace,
      InstallMethod installMethod,
      String release,
      String chart,
      String meshctlPath,
      String targetVersion,
      String discoveryDeployment,
      String networkingDeployment) {
    this(
        context,
        namespace,
        installMethod,
        release,
        chart,
        meshctlPath,
        targetVersion,
        discoveryDeployment,
        networkingDeployment,
        List.of());
  }
}
