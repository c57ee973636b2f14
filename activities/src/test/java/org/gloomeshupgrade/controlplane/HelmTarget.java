package org.gloomeshupgrade.controlplane;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;

/**
 * The cluster a Helm IT runs against: the one {@code GMU_IT_KUBECONFIG} names ({@code
 * GMU_IT_CONTEXT} picks the context, else its current one), else the management cluster of the test
 * kit on a real kube-apiserver. Helm needs a real API server: the CRUD mock answers its requests in
 * ways Helm cannot use.
 */
final class HelmTarget implements AutoCloseable {
  static final String KUBECONFIG_VARIABLE = "GMU_IT_KUBECONFIG";
  static final String CONTEXT_VARIABLE = "GMU_IT_CONTEXT";

  private final SimulatedGlooMesh sim;
  private final KubernetesClients clients;
  private final String context;

  private HelmTarget(SimulatedGlooMesh sim, KubernetesClients clients) {
    this.sim = sim;
    this.clients = clients;
    this.context = clients.resolve(null);
  }

  /** Skips the test where neither an outside cluster nor the kube-apiserver binaries are there. */
  static HelmTarget open(String glooMeshVersion) {
    String kubeconfig = System.getenv(KUBECONFIG_VARIABLE);
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      return new HelmTarget(
          null, new KubernetesClients(Path.of(kubeconfig), System.getenv(CONTEXT_VARIABLE)));
    }
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    SimulatedGlooMesh sim =
        SimulatedGlooMesh.builder()
            .backend(ClusterBackend.API_SERVER)
            .glooMeshVersion(glooMeshVersion)
            .remoteClusters()
            .build();
    try {
      return new HelmTarget(sim, new KubernetesClients(sim.kubeconfig(), sim.managementCluster()));
    } catch (RuntimeException e) {
      sim.close();
      throw e;
    }
  }

  /**
   * True when it runs on the test kit, where the test may change cluster-wide things such as CRDs.
   */
  boolean simulated() {
    return sim != null;
  }

  KubernetesClients clients() {
    return clients;
  }

  String context() {
    return context;
  }

  @Override
  public void close() {
    clients.close();
    if (sim != null) {
      sim.close();
    }
  }
}
