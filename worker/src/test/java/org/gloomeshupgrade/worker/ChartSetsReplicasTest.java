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
 * upgrade} of a chart that sets {@code replicas: 1} (it applies the chart, then sets both
 * deployments to 1, as Helm's patch would). The control-plane step scales them back in the same
 * activity. On the mock, whose Deployment controller waits three seconds, networking gets no pod
 * before the approval; the *IT subclass runs it with Kubernetes' own controllers, which make one
 * within milliseconds, and measures that window.
 */
class ChartSetsReplicasTest {
  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  /** What serves the simulated clusters. */
  ClusterBackend backend() {
    return ClusterBackend.MOCK;
  }

  /**
   * Safety property 1 as this backend keeps it, read from the pods created: on the mock no
   * networking pod from the scale-down until the approval.
   */
  void assertNetworkingPods(RequestJournal journal, long gateReachedAt, long approvalAt) {
    PodCreations.assertNoneFromTheScaleDownUntilTheApproval(journal, "networking", approvalAt);
  }

  @Test
  void networkingNeverRunsBeforeTheApprovalEvenWhenTheChartSetsReplicas() {
    // The simulated Deployment controller starts pods three seconds after a change:
    // the step must undo Helm's within them (seconds, so that a slow machine, or
    // Helm writing its release Secrets after the patch, cannot use them up).
    SimulatedGlooMesh sim =
        simulation.simulate(
            SimulatedUpgrade.mgmtAndCluster1()
                .backend(backend())
                .deploymentDelay(Duration.ofSeconds(3)));
    UpgradeHarness harness =
        simulation.startHarness(
            sim.kubeconfig(),
            clients -> {
              List<Object> activities = new ArrayList<>(UpgradeWorker.activities(clients));
              activities.removeIf(a -> a instanceof ControlPlaneActivitiesImpl);
              Map<InstallMethod, ControlPlaneInstaller> installers =
                  new EnumMap<>(InstallMethod.class);
              installers.put(InstallMethod.HELM, new ChartThatSetsReplicas(clients));
              activities.add(new ControlPlaneActivitiesImpl(clients, installers));
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
    long gateReachedAt = PodCreations.nextSequence(journal);
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
    assertNetworkingPods(journal, gateReachedAt, approvalAt);
    ConfigurationSnapshot.assertUnchanged(configurationBefore, ConfigurationSnapshot.capture(mgmt));
  }

  /**
   * Applies the chart through the API, then sets both deployments to 1 replica, as Helm would for
   * such a chart.
   */
  private static final class ChartThatSetsReplicas implements ControlPlaneInstaller {
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
      return new InstallOutcome(
          3, 4, applied.applied(), "chart installed, replicas 1", spec.namespace() + "/gloo-mesh");
    }

    @Override
    public InstallOutcome dryRun(InstallSpec spec) {
      return chart.dryRun(spec);
    }
  }
}
