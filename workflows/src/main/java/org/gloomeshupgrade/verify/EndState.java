package org.gloomeshupgrade.verify;

import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.messages.SortedCopy;

/**
 * The management plane as it is, read once, for a resumed run to judge which steps of the earlier
 * run still hold. Read-only.
 *
 * @param replicas deployment to spec.replicas (absent: no such deployment)
 * @param available deployment to status.availableReplicas
 * @param crds the "CRDs at target version" check
 * @param controlPlane the "control plane version" check of the discovery and networking deployments
 * @param registeredClusters the KubernetesClusters whose Secret holds a kubeconfig
 * @param discovery discovery kind to count
 * @param networking the networking resources' status
 */
public record EndState(
    Map<String, Integer> replicas,
    Map<String, Integer> available,
    VerifyCheck crds,
    VerifyCheck controlPlane,
    List<String> registeredClusters,
    Map<String, Integer> discovery,
    NetworkingStatus networking) {

  public EndState {
    replicas = SortedCopy.of(replicas);
    available = SortedCopy.of(available);
    registeredClusters = List.copyOf(registeredClusters);
    discovery = SortedCopy.of(discovery);
  }

  public int discoveryTotal() {
    return discovery.values().stream().mapToInt(Integer::intValue).sum();
  }
}
