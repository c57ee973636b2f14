package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.client.WorkflowFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request naming a chart, CRD source, agent chart location, values file or binary the worker does
 * not trust stops at the tooling step, naming each, before any change; the worker trusts the
 * defaults and the simulator's own chart folder, as an operator trusts a mirror.
 */
class UntrustedSourcesTest {
  private static final List<String> CLUSTERS = List.of("mgmt", "cluster-1");

  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();
  @TempDir Path elsewhere;

  private void assertNothingChanged(SimulatedGlooMesh sim, ConfigurationSnapshot before) {
    for (String cluster : CLUSTERS) {
      assertThat(sim.journal(cluster).mutating()).as("writes on " + cluster).isEmpty();
    }
    ConfigurationSnapshot.assertUnchanged(
        before, ConfigurationSnapshot.capture(sim.client("mgmt")));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  @Test
  void everyUntrustedSourceIsNamedAtToolingAndNothingChanges() throws IOException {
    UpgradeHarness harness = simulation.start(SimulatedUpgrade.mgmtAndCluster1());
    SimulatedGlooMesh sim = simulation.sim();
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(sim.client("mgmt"));
    // The very chart the simulator would install, but from a folder nobody trusted.
    Path chart = elsewhere.resolve("gloo-mesh");
    copy(sim.chartFolder("0.11.3"), chart);
    ObjectNode request =
        harness
            .request("0.11.3")
            .put("chart", chart.toString())
            .put("agentCharts", elsewhere.toString());
    request.putArray("helmValuesFiles").add(sim.kubeconfig().toString());

    GlooMeshUpgradeWorkflow wf = harness.start(request);
    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.TOOLING);
    assertThat(stuck.attention())
        .contains("chart \"%s\" is outside the trusted chart sources".formatted(chart))
        .contains("agentCharts \"%s\" is outside".formatted(elsewhere))
        .contains("helmValuesFiles[0] \"%s\" is outside".formatted(sim.kubeconfig()))
        .contains("nothing was changed");
    assertNothingChanged(sim, before);

    wf.decideNow(
        new StepDecision(Step.TOOLING, Decision.ABORT, "ops", "not our chart", wf.status().gate()));
    assertThat(catchThrowable(() -> result(wf))).isInstanceOf(WorkflowFailedException.class);
    assertThat(wf.status().state()).isEqualTo(RunState.ABORTED);
    assertNothingChanged(sim, before);
  }

  @Test
  void aCrdSourceElsewhereIsRefusedByTheFirstCheckThatReadsItPreflightsConformance() {
    UpgradeHarness harness = simulation.start(SimulatedUpgrade.mgmtAndCluster1());
    SimulatedGlooMesh sim = simulation.sim();
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(sim.client("mgmt"));

    GlooMeshUpgradeWorkflow wf =
        harness.start(
            harness.request("0.11.3").put("crdSource", "https://crds.example.com/gloo-mesh/"));
    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.PREFLIGHT);
    assertThat(stuck.attention())
        .contains(
            "crdSource \"https://crds.example.com/gloo-mesh/\" is outside the trusted CRD sources");
    assertNothingChanged(sim, before);
  }

  @Test
  void aMeshctlBinaryTheOperatorDidNotTrustIsNeverRun() throws IOException {
    UpgradeHarness harness = simulation.start(SimulatedUpgrade.mgmtAndCluster1());
    SimulatedGlooMesh sim = simulation.sim();
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(sim.client("mgmt"));
    Path ran = elsewhere.resolve("ran");
    Path meshctl = elsewhere.resolve("meshctl");
    Files.writeString(meshctl, "#!/bin/sh\ntouch %s\n".formatted(ran));
    meshctl.toFile().setExecutable(true);

    GlooMeshUpgradeWorkflow wf =
        harness.start(
            harness
                .request("0.11.3")
                .put("installMethod", "meshctl")
                .put("meshctlPath", meshctl.toString()));
    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.TOOLING);
    assertThat(stuck.attention())
        .contains("meshctlPath \"%s\" is outside the trusted binaries (none)".formatted(meshctl));
    assertThat(ran).as("the binary never ran").doesNotExist();
    assertNothingChanged(sim, before);
  }
}
