package org.gloomeshupgrade.worker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;

/**
 * {@link UpgradeFailuresTest} on real kube-apiservers: real validation, pruning, patches and
 * storage.
 */
class UpgradeFailuresIT extends UpgradeFailuresTest {
  @Override
  ClusterBackend backend() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    return ClusterBackend.API_SERVER;
  }
}
