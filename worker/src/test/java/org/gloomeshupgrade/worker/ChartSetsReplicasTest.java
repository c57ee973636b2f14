package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.controlplane.ChartResolver;
import org.gloomeshupgrade.controlplane.ControlPlaneActivitiesImpl;
import org.gloomeshupgrade.controlplane.ControlPlaneInstaller;
import org.gloomeshupgrade.controlplane.InstallOutcome;
import org.gloomeshupgrade.controlplane.InstallSpec;
import org.gloomeshupgrade.controlplane.RenderedManifestInstaller;
import org.gloomeshupgrade.controlplane.ToolingReport;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.ReplicaChange;
import org.gloomeshupgrade.testkit.RequestJournal;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replica invariant when the install starts the deployments: a stand-in for {@code helm
 * upgrade} of a chart that sets {@code replicas: 1} (it applies the chart, sets both deployments to
 * 1, as Helm's patch would, and goes on for half a second). The controllers would start pods in
 * that time; the control-plane step's pod hold makes them wait until it has scaled both back. The
 * *IT subclass runs it with Kubernetes' own controllers.
 */
class ChartSetsReplicasTest {
  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  /** What serves the simulated clusters. */
  ClusterBackend backend() {
    return ClusterBackend.MOCK;
  }

  @Test
  void networkingNeverRunsBeforeTheApprovalEvenWhenTheChartSetsReplicas() {
    // On the mock the simulated Deployment controller acts 50 ms after a change, within the
    // install's pause: without the pod hold it would start networking.
    SimulatedGlooMesh sim =
        simulation.simulate(
            SimulatedUpgrade.mgmtAndCluster1()
                .backend(backend())
                .deploymentDelay(Duration.ofMillis(50)));
    UpgradeHarness harness =
        simulation.startHarness(
            sim.kubeconfig(),
            clients -> {
              List<Object> activities =
                  new ArrayList<>(UpgradeWorker.activities(clients, UpgradeHarness.trusted(sim)));
              activities.removeIf(a -> a instanceof ControlPlaneActivitiesImpl);
              Map<InstallMethod, ControlPlaneInstaller> installers =
                  new EnumMap<>(InstallMethod.class);
              installers.put(InstallMethod.HELM, new ChartThatSetsReplicas(clients));
              activities.add(
                  new ControlPlaneActivitiesImpl(clients, installers, UpgradeHarness.trusted(sim)));
              return activities;
            });

    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot configurationBefore = ConfigurationSnapshot.capture(mgmt);

    // Helm cannot talk to the mock API server, so the agent
    // charts, which helm would install, are left out here.
    GlooMeshUpgradeWorkflow wf =
        harness.start(
            harness
                .request("0.11.3")
                .put("installMethod", "helm")
                .put("helmRelease", "gloo-mesh")
                .put("agentCharts", "none"));
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    RequestJournal journal = sim.journal("mgmt");
    assertThat(
            mgmt.pods().inNamespace("gloo-mesh").withLabel("app", "networking").list().getItems())
        .as("networking pods at the approval gate")
        .isEmpty();
    long approvalAt = PodCreations.nextSequence(journal);
    assertThat(wf.status().steps())
        .filteredOn(s -> s.step() == Step.CONTROL_PLANE)
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.detail())
                    .contains("scaled back to 0: [gloo-mesh/discovery, gloo-mesh/networking]"));
    wf.approve(new Approval("alice", "CHG-7", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
    List<ReplicaChange> networking = journal.replicaChanges("networking");
    List<ReplicaChange> beforeApproval =
        networking.stream().filter(c -> c.sequence() < approvalAt).toList();
    assertThat(beforeApproval)
        .as("the chart did set networking to 1 before the approval")
        .anyMatch(c -> c.replicas() == 1);
    for (int i = 0; i < beforeApproval.size(); i++) {
      if (beforeApproval.get(i).replicas() > 0) {
        assertThat(i + 1)
            .as("a scale-back follows the chart's replicas")
            .isLessThan(beforeApproval.size());
        assertThat(beforeApproval.get(i + 1).replicas())
            .as("the next change of networking")
            .isZero();
      }
    }
    PodCreations.assertHeldThroughTheInstall(journal, "networking", approvalAt);
    PodCreations.assertNoneFromTheScaleDownUntilTheScaleUp(journal, "discovery");
    assertThat(mgmt.resourceQuotas().inNamespace("gloo-mesh").list().getItems())
        .as("the pod hold is gone")
        .isEmpty();
    ConfigurationSnapshot.assertUnchanged(configurationBefore, ConfigurationSnapshot.capture(mgmt));
  }

  /**
   * Applies the chart through the API, then sets both deployments to 1 replica, as Helm would for
   * such a chart.
   */
  private static final class ChartThatSetsReplicas implements ControlPlaneInstaller {
    private static final Duration INSTALL_PAUSE = Duration.ofMillis(500);

    private final KubernetesClients clients;
    private final RenderedManifestInstaller chart;

    ChartThatSetsReplicas(KubernetesClients clients) {
      this.clients = clients;
      this.chart = new RenderedManifestInstaller(clients, new ChartResolver());
    }

    @Override
    public ToolingReport resolveTooling(InstallSpec spec) {
      return chart.resolveTooling(spec);
    }

    @Override
    public InstallOutcome upgrade(InstallSpec spec) {
      InstallOutcome applied = chart.upgrade(spec);
      for (String name : List.of(spec.discoveryDeployment(), spec.networkingDeployment())) {
        clients
            .forContext(spec.context())
            .apps()
            .deployments()
            .inNamespace(spec.namespace())
            .withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":1}}");
      }
      // Helm goes on after its patches (it writes the release's Secrets): long enough for
      // either backend's controllers to act on the replicas.
      try {
        Thread.sleep(INSTALL_PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new InstallOutcome(
          3, 4, applied.applied(), "chart installed, replicas 1", spec.namespace() + "/gloo-mesh");
    }

    @Override
    public InstallOutcome dryRun(InstallSpec spec) {
      return chart.dryRun(spec);
    }
  }
}
