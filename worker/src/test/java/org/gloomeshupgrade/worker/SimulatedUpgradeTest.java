package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.junit.jupiter.api.Test;

/**
 * What the extension closes after a test: called here by hand, as JUnit calls it after each test
 * however it ended.
 */
class SimulatedUpgradeTest {

  @Test
  void closesTheHarnessAndTheClusters() {
    SimulatedUpgrade simulation = new SimulatedUpgrade();
    SimulatedGlooMesh sim = simulation.simulate(SimulatedUpgrade.mgmtAndCluster1());
    UpgradeHarness harness = simulation.startHarness();
    Path kubeconfig = sim.kubeconfig();

    simulation.afterEach(null);

    assertThat(harness.env.isShutdown()).as("the harness's Temporal test environment").isTrue();
    assertThat(Files.exists(kubeconfig))
        .as("the clusters' folder is deleted when they close")
        .isFalse();
    assertThatThrownBy(simulation::sim).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closesTheClustersWhenATestBuiltNoHarness() {
    SimulatedUpgrade simulation = new SimulatedUpgrade();
    Path kubeconfig = simulation.simulate(SimulatedUpgrade.mgmtAndCluster1()).kubeconfig();

    simulation.afterEach(null);

    assertThat(Files.exists(kubeconfig)).isFalse();
  }

  @Test
  void aHarnessNeedsTheClustersFirstAndATestGetsOneSetOfEach() {
    SimulatedUpgrade simulation = new SimulatedUpgrade();
    assertThatThrownBy(simulation::startHarness)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no simulated clusters yet");
    simulation.simulate(SimulatedUpgrade.mgmtAndCluster1());
    try {
      assertThatThrownBy(() -> simulation.simulate(SimulatedUpgrade.mgmtAndCluster1()))
          .isInstanceOf(IllegalStateException.class);
    } finally {
      simulation.afterEach(null);
    }
  }
}
