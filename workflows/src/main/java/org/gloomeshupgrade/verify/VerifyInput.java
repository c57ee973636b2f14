package org.gloomeshupgrade.verify;

import java.util.List;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.request.RequestDefaults;

/**
 * @param controlPlaneDeployments the deployments whose image must be at the target (discovery and
 *     networking by default; histories recorded before this field existed decode it as null)
 * @param installMethod how the control plane was installed; with meshctl, verify also runs {@code meshctl check}.
 *     Histories recorded before this field existed decode it as null: no meshctl check, as then.
 * @param meshctlPath the meshctl binary on the worker, or null/"" for the one on its PATH
 */
public record VerifyInput(String context, String namespace, String targetVersion,
    List<String> controlPlaneDeployments, InstallMethod installMethod, String meshctlPath) {
  public VerifyInput {
    controlPlaneDeployments = controlPlaneDeployments == null || controlPlaneDeployments.isEmpty()
        ? List.of(RequestDefaults.DISCOVERY_DEPLOYMENT, RequestDefaults.NETWORKING_DEPLOYMENT)
        : List.copyOf(controlPlaneDeployments);
  }

  /** Without an install method: no meshctl check. */
  public VerifyInput(String context, String namespace, String targetVersion, List<String> controlPlaneDeployments) {
    this(context, namespace, targetVersion, controlPlaneDeployments, null, null);
  }

  public boolean runsMeshctlCheck() {
    return installMethod == InstallMethod.MESHCTL;
  }
}
