package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.ExpectedChange;
import org.gloomeshupgrade.testkit.ResourceKey;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.SimulatedVersions;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code manifests} method keeps what people set on chart-owned objects: after a first upgrade,
 * edits to the Settings and to the networking Deployment survive the second, and an edit the
 * second's chart would overwrite stops it at the tooling step, before any write.
 */
class LiveEditsEndToEndTest {
  private static final ResourceDefinitionContext SETTINGS =
      new ResourceDefinitionContext.Builder()
          .withGroup(SimulatedVersions.SETTINGS_GROUP)
          .withVersion("v1alpha2")
          .withKind("Settings")
          .withPlural("settings")
          .withNamespaced(true)
          .build();
  private static final ResourceKey SETTINGS_KEY =
      ResourceKey.namespaced(SimulatedVersions.SETTINGS_GROUP, "Settings", "gloo-mesh", "settings");

  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  private SimulatedGlooMesh sim;
  private UpgradeHarness harness;
  private KubernetesClient mgmt;

  /** The first upgrade: it records what it applied on each chart-owned object. */
  @BeforeEach
  void upgradedOnce() {
    sim = simulation.simulate(SimulatedUpgrade.mgmtAndCluster1());
    harness = simulation.startHarness();
    mgmt = sim.client("mgmt");
    GlooMeshUpgradeWorkflow first = harness.start(harness.request("0.11.3"));
    UpgradeStatus waiting = awaitStatus(first, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    first.approve(new Approval("alice", "CHG-1", waiting.gate()));
    assertThat(result(first).outcome()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void editsOnTheSettingsAndADeploymentSurviveTheNextUpgrade() {
    mgmt.genericKubernetesResources(SETTINGS)
        .inNamespace("gloo-mesh")
        .withName("settings")
        .edit(
            s -> {
              spec(s.getAdditionalProperties())
                  .put("mtls", Map.of("istio", Map.of("tlsMode", "DISABLE")));
              return s;
            });
    mgmt.apps()
        .deployments()
        .inNamespace("gloo-mesh")
        .withName("networking")
        .edit(
            d -> {
              var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
              container.getEnv().add(new EnvVar("LOG_LEVEL", "debug", null));
              container.getResources().getRequests().put("memory", new Quantity("512Mi"));
              return d;
            });
    ConfigurationSnapshot edited = ConfigurationSnapshot.capture(mgmt);

    GlooMeshUpgradeWorkflow second = harness.start(harness.request("0.12.0"));
    UpgradeStatus waiting = awaitStatus(second, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    second.approve(new Approval("alice", "CHG-2", waiting.gate()));

    assertThat(result(second).outcome()).isEqualTo(RunState.SUCCEEDED);
    Map<String, Object> settings =
        spec(
            mgmt.genericKubernetesResources(SETTINGS)
                .inNamespace("gloo-mesh")
                .withName("settings")
                .get()
                .getAdditionalProperties());
    assertThat(
            mgmt.genericKubernetesResources(SETTINGS)
                .inNamespace("gloo-mesh")
                .withName("settings")
                .get()
                .getMetadata()
                .getAnnotations())
        .as("what the second upgrade applied, recorded for the next")
        .hasEntrySatisfying(
            "gloo-mesh-upgrade.io/last-applied",
            v -> assertThat(v).contains("\"relay\"").doesNotContain("DISABLE"));
    assertThat(settings)
        .as("the edit kept; the chart's own change of 0.12 made")
        .containsEntry("mtls", Map.of("istio", Map.of("tlsMode", "DISABLE")))
        .containsKeys("discovery", "relay")
        .doesNotContainKey("istio");
    ConfigurationSnapshot.assertChangedExactly(
        edited,
        ConfigurationSnapshot.capture(mgmt),
        ExpectedChange.at(SETTINGS_KEY, "/spec/istio"),
        ExpectedChange.at(SETTINGS_KEY, "/spec/discovery"),
        ExpectedChange.at(SETTINGS_KEY, "/spec/relay"));
    Deployment networking = networking();
    var container = networking.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).endsWith("/networking:0.12.0");
    assertThat(container.getEnv())
        .extracting(EnvVar::getName)
        .contains("POD_NAMESPACE", "LOG_LEVEL");
    assertThat(container.getResources().getRequests().get("memory"))
        .isEqualTo(new Quantity("512Mi"));
  }

  @Test
  void anEditTheNewChartWouldOverwriteStopsTheRunAtToolingBeforeAnyWrite() {
    String mirror = "mirror.example.com/gloo-mesh/networking:0.11.3";
    mgmt.apps()
        .deployments()
        .inNamespace("gloo-mesh")
        .withName("networking")
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(mirror);
              return d;
            });
    ConfigurationSnapshot edited = ConfigurationSnapshot.capture(mgmt);
    sim.journal("mgmt").clear();

    GlooMeshUpgradeWorkflow second = harness.start(harness.request("0.12.0"));
    UpgradeStatus stopped = awaitStatus(second, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stopped.currentStep()).isEqualTo(Step.TOOLING);
    assertThat(stopped.attention())
        .contains(
            "Deployment gloo-mesh/networking: /spec/template/spec/containers/networking/image is \""
                + mirror
                + "\" on the cluster (changed from \"gcr.io/gloo-mesh/networking:0.11.3\"), the"
                + " new chart sets \"gcr.io/gloo-mesh/networking:0.12.0\"")
        .contains("nothing was written");
    assertThat(sim.journal("mgmt").mutating()).as("no write at all").isEmpty();
    assertThat(networking().getSpec().getReplicas()).isEqualTo(1);
    assertThat(networking().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(mirror);
    ConfigurationSnapshot.assertUnchanged(edited, ConfigurationSnapshot.capture(mgmt));
  }

  private Deployment networking() {
    return mgmt.apps().deployments().inNamespace("gloo-mesh").withName("networking").get();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> object) {
    return (Map<String, Object>) object.get("spec");
  }
}
