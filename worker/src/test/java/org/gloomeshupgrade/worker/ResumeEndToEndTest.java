package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.client.WorkflowStub;
import java.util.List;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.RecordedCall;
import org.gloomeshupgrade.testkit.ReplicaChange;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepState;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Carrying on a terminated run on simulated clusters: the new run finds what the first one did
 * still in place, does not do it again, and finishes the upgrade.
 */
class ResumeEndToEndTest {
  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  @Test
  void aRunTerminatedAfterTheCrdsAndBeforeDiscoveryIsCarriedOnWithoutRepeatingWhatItChanged() {
    SimulatedGlooMesh sim = simulation.simulate(SimulatedUpgrade.mgmtAndCluster1());
    UpgradeHarness harness = simulation.startHarness();
    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(mgmt);

    // Run 1: cluster-1's API server answers 503 to everything but preflight's
    // permission reviews, so step 7 stops for a person, after the CRDs and
    // the control plane; the operator terminates the run. (Set before the
    // start: a fault set once the run is under way could come after step 7.)
    sim.faults("cluster-1").failNext("*", "^(?!/apis/authorization\\.k8s\\.io/)", 503, 1_000_000);
    GlooMeshUpgradeWorkflow first = harness.start(harness.request("0.11.3"));
    UpgradeStatus stuck = awaitStatus(first, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.currentStep()).isEqualTo(Step.REREGISTER);
    WorkflowStub firstStub = WorkflowStub.fromTyped(first);
    String firstRun = firstStub.getExecution().getRunId();
    firstStub.terminate("cluster-1's API server is down; carry on once it is back");
    sim.faults("cluster-1").clear();
    sim.journal("mgmt").clear();

    // Run 2 carries run 1 on, under the same workflow ID.
    GlooMeshUpgradeWorkflow second =
        harness.start(
            harness
                .request("0.11.3")
                .set(
                    "resumeFrom",
                    UpgradeHarness.JSON
                        .createObjectNode()
                        .put("workflowId", UpgradeHarness.ID)
                        .put("runId", firstRun)));
    UpgradeStatus waiting = awaitStatus(second, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(waiting.resumedFrom()).isEqualTo(UpgradeHarness.ID + "/" + firstRun);
    second.approve(new Approval("alice", "CHG-43", waiting.gate()));
    UpgradeReport report = result(second);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.summary())
        .contains(
            "carrying on run "
                + UpgradeHarness.ID
                + "/"
                + firstRun
                + " (not done again: steps 2, 3, 4, 5)");
    assertThat(report.steps())
        .filteredOn(s -> s.step().number() >= 2 && s.step().number() <= 5)
        .hasSize(4)
        .allSatisfy(
            s -> {
              assertThat(s.state()).isEqualTo(StepState.SUCCEEDED);
              assertThat(s.detail())
                  .startsWith(
                      "done by run " + UpgradeHarness.ID + "/" + firstRun + "; still holds");
            });
    assertThat(report.verify().overall())
        .as(report.verify().toString())
        .isEqualTo(CheckLevel.GREEN);

    // What run 2 sent to the management cluster: no CRD, no
    // control-plane image, no discovery delete, no scale down.
    List<RecordedCall> writes = sim.journal("mgmt").mutating();
    assertThat(writes)
        .noneMatch(c -> c.path().contains("/apis/apiextensions.k8s.io/"))
        .noneMatch(
            c ->
                c.method().equals("DELETE")
                    && c.path().contains("/apis/discovery.mesh.gloo.solo.io/"))
        .noneMatch(c -> c.path().contains("gmu-backup"));
    assertThat(sim.journal("mgmt").replicaChanges("networking"))
        .extracting(ReplicaChange::replicas)
        .containsExactly(1);
    assertThat(sim.journal("mgmt").replicaChanges("discovery"))
        .extracting(ReplicaChange::replicas)
        .containsExactly(1);
    assertThat(writes)
        .filteredOn(c -> c.path().contains("/deployments/"))
        .extracting(RecordedCall::pathWithoutQuery)
        .as("the two scale-ups, each clearing the count recorded before the first run's scale-down")
        .containsExactly(
            "/apis/apps/v1/namespaces/gloo-mesh/deployments/discovery/scale",
            "/apis/apps/v1/namespaces/gloo-mesh/deployments/discovery",
            "/apis/apps/v1/namespaces/gloo-mesh/deployments/networking/scale",
            "/apis/apps/v1/namespaces/gloo-mesh/deployments/networking");
    assertThat(writes)
        .filteredOn(c -> c.path().matches(".*/deployments/[a-z]+(\\?.*)?$"))
        .extracting(RecordedCall::method)
        .as("the recorded counts cleared by a patch")
        .containsOnly("PATCH");
    assertThat(writes)
        .as("step 7's registration objects, and the two scale-ups: nothing else")
        .allMatch(
            c ->
                c.pathWithoutQuery().contains("/deployments/")
                    || c.pathWithoutQuery().contains("/secrets/cluster-1")
                    || c.pathWithoutQuery().contains("/kubernetesclusters"));
    ConfigurationSnapshot.assertUnchanged(before, ConfigurationSnapshot.capture(mgmt));
  }
}
