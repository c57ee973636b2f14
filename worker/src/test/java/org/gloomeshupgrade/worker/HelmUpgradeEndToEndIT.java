package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.RequestJournal;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepStatus;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The default install method end to end: the control plane is a Helm release on real
 * kube-apiservers, the request names no release, and the run upgrades it with a real {@code helm
 * upgrade} through helm-java. The chart sets {@code replicas: 1}, and Helm 3's three-way merge puts
 * that back over the 0 the run scaled to; Kubernetes' own ReplicaSet controller would make the pods
 * within milliseconds, before the step scales them back, so the step holds new pods while Helm
 * runs: none of networking exists before the approval, none of discovery before its scale-up.
 */
class HelmUpgradeEndToEndIT {
  private static final String NS = "gloo-mesh";

  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  @BeforeEach
  void start() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    simulation.start(
        SimulatedGlooMesh.builder()
            .backend(ClusterBackend.API_SERVER)
            .installedWithHelm()
            .managementCluster("mgmt")
            .remoteClusters("cluster-1")
            .glooMeshVersion("0.10.10")
            .discoveryDelay(Duration.ofMillis(300)));
  }

  @Test
  void upgradesTheHelmReleaseItFindsAndNetworkingWaitsForTheApproval() {
    SimulatedGlooMesh sim = simulation.sim();
    UpgradeHarness harness = simulation.harness();
    KubernetesClient mgmt = sim.client("mgmt");
    assertThat(HelmRevisions.of(mgmt))
        .as("the simulator's release before the run")
        .containsOnlyKeys(1);
    ConfigurationSnapshot configurationBefore = ConfigurationSnapshot.capture(mgmt);

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    UpgradeStatus waiting = awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    RequestJournal journal = sim.journal("mgmt");
    assertThat(mgmt.pods().inNamespace(NS).withLabel("app", "networking").list().getItems())
        .as("networking pods at the approval gate")
        .isEmpty();
    long approvalAt = PodCreations.nextSequence(journal);
    wf.approve(new Approval("alice", "CHG-9", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
    assertThat(detail(waiting.steps(), Step.TOOLING))
        .contains(
            "helm upgrade of release gloo-mesh/gloo-mesh at"
                + " revision 1 (found from the Helm annotations of deployment gloo-mesh/discovery)");
    assertThat(detail(report.steps(), Step.SCALE_DOWN))
        .as("the release's values are in the backup")
        .contains("and the Helm values");
    assertThat(detail(report.steps(), Step.CONTROL_PLANE))
        .contains("release gloo-mesh/gloo-mesh revision 1 to 2")
        .contains("scaled back to 0: [gloo-mesh/discovery, gloo-mesh/networking]")
        .contains("to undo: helm rollback gloo-mesh 1 -n gloo-mesh");
    assertThat(HelmRevisions.of(mgmt))
        .containsEntry(1, "superseded")
        .containsEntry(2, "deployed")
        .hasSize(2);
    for (String name : List.of("discovery", "networking")) {
      Deployment d = mgmt.apps().deployments().inNamespace(NS).withName(name).get();
      assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .endsWith(":0.11.3");
      assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    }
    // Helm's three-way merge puts the chart's replicas: 1 back, and Kubernetes' own ReplicaSet
    // controller tries to make the pods at once; the pod hold makes the API server refuse them
    // until the step has scaled both back.
    PodCreations.assertHeldThroughTheInstall(journal, "networking", approvalAt);
    PodCreations.assertNoneFromTheScaleDownUntilTheScaleUp(journal, "discovery");
    ConfigurationSnapshot.assertUnchanged(configurationBefore, ConfigurationSnapshot.capture(mgmt));
  }

  @Test
  void aDryRunOfTheReleaseListsEachObjectsChangesAndChangesNothing() {
    SimulatedGlooMesh sim = simulation.sim();
    UpgradeHarness harness = simulation.harness();
    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot configurationBefore = ConfigurationSnapshot.capture(mgmt);
    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3").put("dryRun", true));

    UpgradeReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.DRY_RUN_COMPLETE);
    assertThat(detail(report.steps(), Step.CONTROL_PLANE))
        .contains("helm upgrade --dry-run=server of gloo-mesh/gloo-mesh")
        .contains("Deployment gloo-mesh/networking would be updated: ")
        .contains(
            "replace /spec/template/spec/containers/0/image: \"gcr.io/gloo-mesh/networking:0.10.10\" ->"
                + " \"gcr.io/gloo-mesh/networking:0.11.3\"");
    assertThat(HelmRevisions.of(mgmt)).containsOnlyKeys(1);
    assertThat(sim.journal("mgmt").mutating())
        .isNotEmpty()
        .allSatisfy(call -> assertThat(call.isDryRun()).as(call.toString()).isTrue());
    assertThat(sim.journal("cluster-1").mutating()).isEmpty();
    ConfigurationSnapshot.assertUnchanged(configurationBefore, ConfigurationSnapshot.capture(mgmt));
  }

  private static String detail(List<StepStatus> steps, Step step) {
    return steps.stream().filter(s -> s.step() == step).findFirst().orElseThrow().detail();
  }
}
