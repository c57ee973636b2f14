package org.gloomeshupgrade.preflight;

import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.messages.SortedCopy;

/**
 * What the run found before changing anything.
 *
 * @param context the management context actually used (never empty)
 * @param runningVersion Gloo Mesh version read from the deployments' image tags
 * @param deploymentVersions deployment name to the version of its image tag
 * @param originalReplicas deployment name to its replica count before the upgrade
 * @param discoveryInventory discovery kind to the number of resources found
 * @param clusters the registered clusters to re-register, with their contexts
 * @param permissionsChecked how many (verb, resource) pairs were reviewed
 */
public record PreflightReport(
    String context,
    String kubernetesVersion,
    String runningVersion,
    Map<String, String> deploymentVersions,
    Map<String, Integer> originalReplicas,
    Map<String, Integer> discoveryInventory,
    List<RegisteredCluster> clusters,
    int permissionsChecked,
    List<String> warnings) {

  public PreflightReport {
    deploymentVersions = SortedCopy.ofNullable(deploymentVersions);
    originalReplicas = SortedCopy.ofNullable(originalReplicas);
    discoveryInventory = SortedCopy.ofNullable(discoveryInventory);
  }

  /**
   * The replica count steps 8 and 10 scale a deployment back up to: as before the upgrade, and at
   * least 1.
   */
  public int replicasToScaleUp(String deployment) {
    return Math.max(1, originalReplicas.getOrDefault(deployment, 1));
  }
}
