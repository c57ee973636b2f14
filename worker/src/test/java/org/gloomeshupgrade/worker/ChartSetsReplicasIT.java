package org.gloomeshupgrade.worker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.RequestJournal;

/**
 * {@link ChartSetsReplicasTest} with Kubernetes' own controllers, scheduler and kwok's kubelets.
 * Their ReplicaSet controller makes a networking pod within milliseconds of the chart's replicas,
 * before the control-plane step scales it back: a window in which networking starts early. This
 * test measures it and pins it to the install (nothing before the chart's write, nothing from the
 * gate on); closing it is the control-plane step's next change, and then this test asserts none.
 */
class ChartSetsReplicasIT extends ChartSetsReplicasTest {
  @Override
  ClusterBackend backend() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    return ClusterBackend.API_SERVER;
  }

  @Override
  void assertNetworkingPods(RequestJournal journal, long gateReachedAt, long approvalAt) {
    // Logged with its length; usually one pod, but a fast scale-back may beat the controller.
    PodCreations.assertOnlyInTheInstallsWindow(journal, "networking", gateReachedAt, approvalAt);
  }
}
