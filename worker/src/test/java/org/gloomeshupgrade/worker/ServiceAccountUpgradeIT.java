package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepState;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker as a ServiceAccount bound only to what deploy/rbac ships, on real API servers
 * enforcing RBAC: those permissions are enough for a whole upgrade, and each rule in them is needed
 * by preflight.
 */
class ServiceAccountUpgradeIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path RBAC = Path.of("..", "deploy", "rbac");
  private static final String NAMESPACE = "gloo-mesh-upgrade";
  private static final String ACCOUNT = "gloo-mesh-upgrade-worker";

  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  /**
   * Read as the administrator, not the worker's account, so the snapshot sees everything whatever
   * is granted.
   */
  private ConfigurationSnapshot configurationBefore;

  @BeforeEach
  void needsTheServers() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
  }

  /** mgmt and two remotes on real API servers; the control plane as bare objects unless given. */
  private static SimulatedGlooMesh.Builder clusters() {
    return SimulatedGlooMesh.builder()
        .backend(ClusterBackend.API_SERVER)
        .remoteClusters("cluster-1", "cluster-2")
        .discoveryDelay(Duration.ofMillis(300));
  }

  private SimulatedGlooMesh simulate(SimulatedGlooMesh.Builder clusters) {
    SimulatedGlooMesh sim = simulation.simulate(clusters);
    configurationBefore = ConfigurationSnapshot.capture(sim.client("mgmt"));
    return sim;
  }

  private void assertConfigurationUnchanged() {
    ConfigurationSnapshot.assertUnchanged(
        configurationBefore, ConfigurationSnapshot.capture(simulation.sim().client("mgmt")));
  }

  @Test
  void theShippedPermissionsAreEnoughForAWholeUpgrade() throws IOException {
    SimulatedGlooMesh sim = simulate(clusters());
    grant("mgmt", "management-cluster.yaml", rule -> true);
    for (String remote : sim.remoteClusters()) {
      grant(remote, "remote-cluster.yaml", rule -> true);
    }
    Path kubeconfig = sim.serviceAccountKubeconfig(NAMESPACE, ACCOUNT);
    // The identity really is limited: it may not delete a networking resource.
    try (KubernetesClient worker = clientFor(kubeconfig)) {
      assertThatThrownBy(
              () ->
                  worker
                      .genericKubernetesResources(
                          "networking.mesh.gloo.solo.io/v1alpha2", "TrafficPolicy")
                      .inNamespace("gloo-mesh")
                      .withName("mgmt-retries")
                      .delete())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
    UpgradeHarness harness = simulation.startHarness(kubeconfig);

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    UpgradeStatus waiting = awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(waiting.warnings()).noneMatch(w -> w.contains("without an answer"));
    long approvalAt = PodCreations.nextSequence(sim.journal("mgmt"));
    wf.approve(new Approval("alice", "CHG-7", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.steps())
        .allSatisfy(s -> assertThat(s.state()).as(s.toString()).isEqualTo(StepState.SUCCEEDED));
    assertThat(sim.journal("mgmt").mutating()).isNotEmpty();
    PodCreations.assertNoneFromTheScaleDownUntilTheApproval(
        sim.journal("mgmt"), "networking", approvalAt);
    assertConfigurationUnchanged();
  }

  /**
   * The request most users send: the defaults, so the control plane is a Helm release upgraded with
   * helm, and the remotes are registered natively.
   */
  @Test
  void theShippedPermissionsAreEnoughForTheDefaultRequest() throws IOException {
    SimulatedGlooMesh sim = simulate(clusters().installedWithHelm());
    grant("mgmt", "management-cluster.yaml", rule -> true);
    for (String remote : sim.remoteClusters()) {
      grant(remote, "remote-cluster.yaml", rule -> true);
    }
    UpgradeHarness harness =
        simulation.startHarness(sim.serviceAccountKubeconfig(NAMESPACE, ACCOUNT));
    var request = harness.request("0.11.3");
    assertThat(request.has("installMethod")).as("the default install method").isFalse();
    assertThat(request.has("registrationMethod")).as("the default registration").isFalse();

    GlooMeshUpgradeWorkflow wf = harness.start(request);
    UpgradeStatus waiting = awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(waiting.warnings()).noneMatch(w -> w.contains("without an answer"));
    long approvalAt = PodCreations.nextSequence(sim.journal("mgmt"));
    wf.approve(new Approval("alice", "CHG-8", waiting.gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.steps())
        .allSatisfy(s -> assertThat(s.state()).as(s.toString()).isEqualTo(StepState.SUCCEEDED));
    assertThat(report.steps())
        .filteredOn(s -> s.step() == Step.CONTROL_PLANE)
        .singleElement()
        .satisfies(
            s -> assertThat(s.detail()).contains("release gloo-mesh/gloo-mesh revision 1 to 2"));
    PodCreations.assertNoneFromTheScaleDownUntilTheApproval(
        sim.journal("mgmt"), "networking", approvalAt);
    assertConfigurationUnchanged();
  }

  @Test
  void withoutAKindTheChartWritesTheToolingStepStopsNamingItBeforeAnyChange() throws IOException {
    SimulatedGlooMesh sim = simulate(clusters());
    // The shipped rule for core kinds, without services:
    // preflight's own checks pass, the chart needs them.
    grant(
        "mgmt",
        "management-cluster.yaml",
        rule -> {
          if (rule.path("resources").toString().contains("\"services\"")) {
            ArrayNode resources = YAML.createArrayNode();
            rule.path("resources")
                .forEach(
                    r -> {
                      if (!r.asText().equals("services")) {
                        resources.add(r);
                      }
                    });
            ((ObjectNode) rule).set("resources", resources);
          }
          return true;
        });
    for (String remote : sim.remoteClusters()) {
      grant(remote, "remote-cluster.yaml", rule -> true);
    }
    UpgradeHarness harness =
        simulation.startHarness(sim.serviceAccountKubeconfig(NAMESPACE, ACCOUNT));

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.TOOLING);
    assertThat(stuck.attention())
        .contains("create services in gloo-mesh on mgmt")
        .contains("update services in gloo-mesh on mgmt")
        .contains("Nothing was changed");
    for (String cluster : sim.clusters()) {
      assertThat(sim.journal(cluster).mutating()).as(cluster).isEmpty();
    }
    assertConfigurationUnchanged();
  }

  @Test
  void withOneShippedRuleRemovedPreflightStopsNamingTheMissingPermissionBeforeAnyChange()
      throws IOException {
    SimulatedGlooMesh sim = simulate(clusters());
    grant(
        "mgmt",
        "management-cluster.yaml",
        rule -> !rule.path("resources").toString().contains("deployments/scale"));
    for (String remote : sim.remoteClusters()) {
      grant(remote, "remote-cluster.yaml", rule -> true);
    }
    UpgradeHarness harness =
        simulation.startHarness(sim.serviceAccountKubeconfig(NAMESPACE, ACCOUNT));

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.PREFLIGHT);
    assertThat(stuck.attention())
        .contains("lacks")
        .contains("apps/deployments/scale in gloo-mesh on mgmt")
        .doesNotContain("cluster-1")
        .doesNotContain("cluster-2");
    for (String cluster : sim.clusters()) {
      assertThat(sim.journal(cluster).mutating()).as(cluster).isEmpty();
    }
    assertConfigurationUnchanged();
  }

  /**
   * Applies a shipped RBAC file, as an administrator would, keeping only the ClusterRole rules
   * {@code keep} accepts (it may also change the rule it is given).
   */
  private void grant(String cluster, String file, Predicate<JsonNode> keep) throws IOException {
    KubernetesClient admin = simulation.sim().client(cluster);
    List<JsonNode> documents;
    try (var parser = YAML.getFactory().createParser(RBAC.resolve(file).toFile())) {
      documents = YAML.readValues(parser, JsonNode.class).readAll();
    }
    for (JsonNode document : documents) {
      if (document == null || document.isEmpty()) {
        continue;
      }
      if ("ClusterRole".equals(document.path("kind").asText())) {
        ArrayNode kept = YAML.createArrayNode();
        document
            .path("rules")
            .forEach(
                rule -> {
                  if (keep.test(rule)) {
                    kept.add(rule);
                  }
                });
        ((ObjectNode) document).set("rules", kept);
      }
      HasMetadata resource =
          admin
              .getKubernetesSerialization()
              .unmarshal(new ByteArrayInputStream(YAML.writeValueAsBytes(document)));
      admin.resource(resource).create();
    }
  }

  private static KubernetesClient clientFor(Path kubeconfig) throws IOException {
    return new KubernetesClientBuilder()
        .withConfig(
            Config.fromKubeconfig(
                "mgmt",
                Files.readString(kubeconfig, StandardCharsets.UTF_8),
                kubeconfig.toString()))
        .build();
  }
}
