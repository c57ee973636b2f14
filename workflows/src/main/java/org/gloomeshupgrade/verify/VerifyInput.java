package org.gloomeshupgrade.verify;

import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.messages.SortedCopy;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.request.RequestDefaults;

/**
 * @param controlPlaneDeployments the deployments whose image must be at the target (discovery and
 *     networking by default; histories recorded before this field existed decode it as null)
 * @param installMethod how the control plane was installed; with meshctl, verify also runs {@code
 *     meshctl check}. Histories recorded before this field existed decode it as null: no meshctl
 *     check, as then.
 * @param meshctlPath the meshctl binary on the worker, or null/"" for the one on its PATH
 * @param discoveryInventory kind to count of discovery resources before the upgrade (preflight):
 *     discovery is complete when every kind is back. Null in histories recorded before: any
 *     discovery resource then counts.
 */
public record VerifyInput(
    String context,
    String namespace,
    String targetVersion,
    List<String> controlPlaneDeployments,
    InstallMethod installMethod,
    String meshctlPath,
    Map<String, Integer> discoveryInventory) {
  public VerifyInput {
    controlPlaneDeployments =
        controlPlaneDeployments == null || controlPlaneDeployments.isEmpty()
            ? List.of(RequestDefaults.DISCOVERY_DEPLOYMENT, RequestDefaults.NETWORKING_DEPLOYMENT)
            : List.copyOf(controlPlaneDeployments);
    discoveryInventory = discoveryInventory == null ? null : SortedCopy.of(discoveryInventory);
  }

  public boolean runsMeshctlCheck() {
    return installMethod == InstallMethod.MESHCTL;
  }
}
