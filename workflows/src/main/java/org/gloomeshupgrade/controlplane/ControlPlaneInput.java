package org.gloomeshupgrade.controlplane;

import java.util.List;
import org.gloomeshupgrade.request.InstallMethod;

/**
 * @param chart chart repository URL, local .tgz or local chart folder
 * @param meshctlPath meshctl binary, or "" for the one on the worker's PATH
 * @param valuesFiles Helm values files on the worker, applied in order over the release's own
 *     values
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
    List<String> valuesFiles) {

  public ControlPlaneInput {
    valuesFiles = valuesFiles == null ? List.of() : List.copyOf(valuesFiles);
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
