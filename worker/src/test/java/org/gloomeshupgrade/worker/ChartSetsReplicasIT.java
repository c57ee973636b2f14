package org.gloomeshupgrade.worker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;

/**
 * {@link ChartSetsReplicasTest} with Kubernetes' own controllers, scheduler and kwok's kubelets.
 * Their ReplicaSet controller tries to make a networking pod within milliseconds of the chart's
 * replicas, before the control-plane step scales it back; the pod hold makes the API server refuse
 * it. The test logs how long the replicas were above 0 and how many pods were refused.
 */
class ChartSetsReplicasIT extends ChartSetsReplicasTest {
  @Override
  ClusterBackend backend() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    return ClusterBackend.API_SERVER;
  }
}
