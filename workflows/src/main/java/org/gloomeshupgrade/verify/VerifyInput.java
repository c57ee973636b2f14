package org.gloomeshupgrade.verify;

import java.util.List;
import org.gloomeshupgrade.request.RequestDefaults;

/**
 * @param controlPlaneDeployments the deployments whose image must be at the target (discovery and
 *     networking by default; histories recorded before this field existed decode it as null)
 */
public record VerifyInput(String context, String namespace, String targetVersion,
    List<String> controlPlaneDeployments) {
  public VerifyInput {
    controlPlaneDeployments = controlPlaneDeployments == null || controlPlaneDeployments.isEmpty()
        ? List.of(RequestDefaults.DISCOVERY_DEPLOYMENT, RequestDefaults.NETWORKING_DEPLOYMENT)
        : List.copyOf(controlPlaneDeployments);
  }
}
