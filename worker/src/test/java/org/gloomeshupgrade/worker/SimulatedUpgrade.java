package org.gloomeshupgrade.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The simulated clusters of one test and the {@link UpgradeHarness} over them. After each test it
 * closes the harness, then the clusters: whether the test passed or failed halfway, and also when
 * it built only the clusters.
 *
 * <pre>
 * &#64;RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();
 * ...
 * SimulatedGlooMesh sim = simulation.simulate(SimulatedGlooMesh.builder().remoteClusters("cluster-1"));
 * UpgradeHarness harness = simulation.startHarness();
 * </pre>
 */
final class SimulatedUpgrade implements AfterEachCallback, AutoCloseable {
  private SimulatedGlooMesh sim;
  private UpgradeHarness harness;

  /**
   * mgmt and one remote, cluster-1, at Gloo Mesh 0.10.10; pods follow a deployment's change after
   * 100 ms, discovery recreates its resources 300 ms after it is back.
   */
  static SimulatedGlooMesh.Builder mgmtAndCluster1() {
    return SimulatedGlooMesh.builder()
        .managementCluster("mgmt")
        .remoteClusters("cluster-1")
        .glooMeshVersion("0.10.10")
        .deploymentDelay(Duration.ofMillis(100))
        .discoveryDelay(Duration.ofMillis(300));
  }

  /** Builds the simulated clusters, and a worker over them with their own kubeconfig. */
  UpgradeHarness start(SimulatedGlooMesh.Builder clusters) {
    simulate(clusters);
    return startHarness();
  }

  /** Builds the simulated clusters; one set a test. */
  SimulatedGlooMesh simulate(SimulatedGlooMesh.Builder clusters) {
    if (sim != null) {
      throw new IllegalStateException("this test has simulated clusters already");
    }
    sim = clusters.build();
    return sim;
  }

  /** A worker over the simulated clusters, with their kubeconfig. */
  UpgradeHarness startHarness() {
    return startHarness(sim().kubeconfig());
  }

  /**
   * A worker whose credentials are the given kubeconfig's, e.g. a service account's with only
   * granted permissions.
   */
  UpgradeHarness startHarness(Path kubeconfig) {
    return startHarness(
        kubeconfig, clients -> UpgradeWorker.activities(clients, UpgradeHarness.trusted(sim())));
  }

  /**
   * @param activities replaces some of the real activity implementations (built over the worker's
   *     clients) with stand-ins; see {@link UpgradeHarness#UpgradeHarness(SimulatedGlooMesh, Path,
   *     Function)}
   */
  UpgradeHarness startHarness(
      Path kubeconfig, Function<KubernetesClients, List<Object>> activities) {
    if (harness != null) {
      throw new IllegalStateException("this test has started a harness already");
    }
    harness = new UpgradeHarness(sim(), kubeconfig, activities);
    return harness;
  }

  SimulatedGlooMesh sim() {
    if (sim == null) {
      throw new IllegalStateException("no simulated clusters yet: call simulate or start first");
    }
    return sim;
  }

  UpgradeHarness harness() {
    if (harness == null) {
      throw new IllegalStateException("no harness yet: call startHarness or start first");
    }
    return harness;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /** Stops the worker and the simulated clusters, for a simulation a test runs by itself. */
  @Override
  public void close() {
    UpgradeHarness h = harness;
    SimulatedGlooMesh s = sim;
    harness = null;
    sim = null;
    try {
      if (h != null) {
        h.close();
      }
    } finally {
      if (s != null) {
        s.close();
      }
    }
  }
}
