package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.ClusterRegistration;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 7 on simulated clusters: a remote that answers 500 twice is retried and registered; one that
 * stops answering stops the run for a person once the others are done, and skipping it lets the run
 * finish with the skip recorded.
 */
class ReRegistrationEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  private static ClusterRegistration registration(UpgradeStatus s, String cluster) {
    return s.registrations().stream()
        .filter(r -> r.cluster().equals(cluster))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aFlakyRemoteIsRetriedAndADeadOneWaitsForAPersonWhileTheOthersAreDone() {
    SimulatedGlooMesh sim =
        simulation.simulate(
            SimulatedGlooMesh.builder()
                .managementCluster("mgmt")
                .remoteClusters("cluster-1", "cluster-2", "cluster-3")
                .glooMeshVersion("0.10.10")
                .deploymentDelay(Duration.ofMillis(100))
                .discoveryDelay(Duration.ofMillis(300)));
    UpgradeHarness harness = simulation.startHarness();
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(sim.client("mgmt"));
    sim.faults("cluster-1").failNext("*", "/serviceaccounts", 500, 2);
    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    // cluster-3 answered preflight, then its API server
    // goes away: every request fails from here on.
    awaitStatus(wf, s -> s.currentStep().compareTo(Step.SCALE_DOWN) >= 0);
    sim.faults("cluster-3").failNext("*", ".*", 503, 1_000_000);

    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.REREGISTER);
    assertThat(stuck.attention())
        .contains("1 of 3 cluster(s) failed to re-register (the others are done)")
        .contains("cluster-3: ReRegisterCluster:");
    assertThat(registration(stuck, "cluster-1").state())
        .isEqualTo(ClusterRegistration.State.REGISTERED);
    assertThat(registration(stuck, "cluster-2").state())
        .isEqualTo(ClusterRegistration.State.REGISTERED);
    assertThat(registration(stuck, "cluster-3").state())
        .isEqualTo(ClusterRegistration.State.FAILED);
    assertThat(sim.faults("cluster-1").injectedCount())
        .as("both 500s were answered, then retried")
        .isEqualTo(2);
    assertThat(
            sim.client("mgmt")
                .apps()
                .deployments()
                .inNamespace(sim.namespace())
                .withName("networking")
                .get()
                .getSpec()
                .getReplicas())
        .isZero();

    wf.decideNow(
        new StepDecision(
            Step.REREGISTER,
            Decision.SKIP,
            "ops",
            "cluster-3 is being rebuilt",
            wf.status().gate()));
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    wf.approve(new Approval("ops", "CHG-5", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.registrations())
        .filteredOn(r -> r.cluster().equals("cluster-3"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(ClusterRegistration.State.SKIPPED);
              assertThat(r.detail())
                  .startsWith("skipped by ops: cluster-3 is being rebuilt (after: ");
            });
    assertThat(report.decisions())
        .containsExactly("REREGISTER: SKIP by ops (cluster-3 is being rebuilt)");
    ConfigurationSnapshot.assertUnchanged(
        before, ConfigurationSnapshot.capture(sim.client("mgmt")));
  }

  @Test
  void anUnknownContextAndAnUnregisteredClusterAreEachRefusedInPreflightWithNoChange() {
    SimulatedGlooMesh sim =
        simulation.simulate(
            SimulatedGlooMesh.builder()
                .managementCluster("mgmt")
                .remoteClusters("cluster-1", "cluster-2")
                .glooMeshVersion("0.10.10")
                .deploymentDelay(Duration.ofMillis(100)));
    UpgradeHarness harness = simulation.startHarness();

    ObjectNode mapped = harness.request("0.11.3");
    mapped.set("clusters", JSON.createArrayNode().add("cluster-1"));
    mapped.set("clusterContexts", JSON.createObjectNode().put("cluster-1", "cluster-one-prod"));
    GlooMeshUpgradeWorkflow unknownContext = harness.start(mapped);
    UpgradeStatus refused = awaitStatus(unknownContext, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(refused.currentStep()).isEqualTo(Step.PREFLIGHT);
    assertThat(refused.attention())
        .contains("cluster-1")
        .contains("\"cluster-one-prod\"")
        .contains("in the worker's kubeconfig (it has");
    unknownContext.decide(
        new StepDecision(
            Step.PREFLIGHT,
            Decision.ABORT,
            "ops",
            "wrong context",
            unknownContext.status().gate()));
    assertThat(awaitStatus(unknownContext, s -> s.state().finished()).state())
        .isEqualTo(RunState.ABORTED);

    ObjectNode listed = harness.request("0.11.3");
    listed.set("clusters", JSON.createArrayNode().add("cluster-1").add("cluster-9"));
    GlooMeshUpgradeWorkflow unregistered = harness.start(listed);
    UpgradeStatus refusedToo =
        awaitStatus(unregistered, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(refusedToo.currentStep()).isEqualTo(Step.PREFLIGHT);
    assertThat(refusedToo.attention()).contains("[cluster-9] are not registered");

    for (String cluster : sim.clusters()) {
      assertThat(sim.journal(cluster).mutating()).as("no change on " + cluster).isEmpty();
    }
  }
}
