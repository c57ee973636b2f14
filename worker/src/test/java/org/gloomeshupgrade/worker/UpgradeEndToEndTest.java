package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.RecordedCall;
import org.gloomeshupgrade.testkit.ReplicaChange;
import org.gloomeshupgrade.testkit.RequestJournal;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepState;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole upgrade, 0.10.10 to 0.11.3, by the real worker against simulated clusters; the safety
 * properties are checked from the requests the simulated API servers received.
 */
class UpgradeEndToEndTest {
  /** Set to a folder to (re)record the history that the replay test checks. */
  private static final String RECORD_HISTORY = System.getProperty("gmu.recordHistory");

  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  /**
   * What serves the simulated clusters; the *IT subclass runs the same tests on real API servers.
   */
  ClusterBackend backend() {
    return ClusterBackend.MOCK;
  }

  @BeforeEach
  void start() {
    simulation.start(
        SimulatedGlooMesh.builder()
            .backend(backend())
            .managementCluster("mgmt")
            .remoteClusters("cluster-1", "cluster-2")
            .glooMeshVersion("0.10.10")
            .deploymentDelay(Duration.ofMillis(100))
            .discoveryDelay(Duration.ofMillis(300)));
  }

  @Test
  void aDryRunHasTheServerCheckTheCrdsAndControlPlaneAndChangesNothing() {
    SimulatedGlooMesh sim = simulation.sim();
    UpgradeHarness harness = simulation.harness();
    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot configurationBefore = ConfigurationSnapshot.capture(mgmt);

    UpgradeReport report = result(harness.start(harness.request("0.11.3").put("dryRun", true)));

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.DRY_RUN_COMPLETE);
    assertThat(report.summary()).contains("server-side dry run").contains("nothing was changed");
    assertThat(report.steps())
        .filteredOn(s -> s.step() == Step.CRDS || s.step() == Step.CONTROL_PLANE)
        .hasSize(2)
        .allSatisfy(
            s -> {
              assertThat(s.state()).isEqualTo(StepState.SUCCEEDED);
              assertThat(s.detail()).contains("server dry run");
            });
    assertThat(report.steps())
        .filteredOn(s -> s.step() == Step.CONTROL_PLANE)
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.detail())
                    .contains("would be created or changed")
                    .contains("Deployment gloo-mesh/networking"));
    List<RecordedCall> writes = sim.journal("mgmt").mutating();
    assertThat(writes)
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.isDryRun()).as(c.toString()).isTrue());
    assertThat(mgmt.apiextensions().v1().customResourceDefinitions().list().getItems())
        .noneSatisfy(
            c ->
                assertThat(c.getMetadata().getAnnotations())
                    .containsEntry(GlooMeshGroups.CRD_VERSION_ANNOTATION, "0.11.3"));
    for (String name : List.of("discovery", "networking")) {
      Deployment d = mgmt.apps().deployments().inNamespace("gloo-mesh").withName(name).get();
      assertThat(d.getSpec().getReplicas()).isEqualTo(1);
      assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .endsWith(":0.10.10");
    }
    ConfigurationSnapshot.assertUnchanged(configurationBefore, ConfigurationSnapshot.capture(mgmt));
  }

  @Test
  void upgradesTheManagementPlaneEndToEndAndKeepsEverySafetyProperty() throws Exception {
    SimulatedGlooMesh sim = simulation.sim();
    UpgradeHarness harness = simulation.harness();
    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot configurationBefore = ConfigurationSnapshot.capture(mgmt);
    int discoveryBefore = DiscoveryResources.count(mgmt);
    assertThat(configurationBefore.size()).isPositive();
    assertThat(discoveryBefore).isPositive();

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    // Every request numbered below this one reached the server before the approval was sent.
    long approvalAt = PodCreations.nextSequence(sim.journal("mgmt"));
    wf.approve(new Approval("alice", "CHG-42", wf.status().gate()));
    UpgradeReport report = result(wf);

    // The run
    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.fromVersion()).isEqualTo("0.10.10");
    assertThat(report.steps())
        .allSatisfy(s -> assertThat(s.state()).as(s.toString()).isEqualTo(StepState.SUCCEEDED));
    assertThat(report.verify().checks())
        .allSatisfy(c -> assertThat(c.level()).as(c.toString()).isEqualTo(CheckLevel.GREEN));

    // The cluster afterwards: CRDs at the target, both
    // deployments at 1 and available at the target image
    List<CustomResourceDefinition> crds =
        mgmt.apiextensions().v1().customResourceDefinitions().list().getItems();
    assertThat(crds.stream().filter(c -> GlooMeshGroups.isGlooMeshGroup(c.getSpec().getGroup())))
        .isNotEmpty()
        .allSatisfy(
            c ->
                assertThat(c.getMetadata().getAnnotations())
                    .containsEntry(GlooMeshGroups.CRD_VERSION_ANNOTATION, "0.11.3"));
    for (String name : List.of("discovery", "networking")) {
      Deployment d = mgmt.apps().deployments().inNamespace("gloo-mesh").withName(name).get();
      assertThat(d.getSpec().getReplicas()).isEqualTo(1);
      assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(1);
      assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .endsWith(":0.11.3");
    }
    assertThat(DiscoveryResources.count(mgmt)).isEqualTo(discoveryBefore);

    RequestJournal journal = sim.journal("mgmt");
    // The configuration was saved before the first change, where it outlives the run
    assertThat(report.backup()).contains("Secrets gloo-mesh/gmu-backup-").contains("on mgmt");
    assertThat(
            mgmt.secrets()
                .inNamespace("gloo-mesh")
                .withLabel("gloo-mesh-upgrade.io/backup")
                .list()
                .getItems())
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.getType()).isEqualTo("gloo-mesh-upgrade.io/backup"));
    assertThat(report.steps())
        .filteredOn(s -> s.step() == Step.SCALE_DOWN)
        .singleElement()
        .satisfies(s -> assertThat(s.detail()).startsWith("backup " + UpgradeHarness.ID + "@"));
    long firstWrite =
        sim.journal("mgmt").mutating().stream()
            .filter(
                c ->
                    !c.path().contains("/secrets")
                        && !c.path().contains("selfsubjectaccessreviews"))
            .mapToLong(RecordedCall::sequence)
            .min()
            .orElseThrow();
    long backupWritten =
        sim.journal("mgmt").mutating().stream()
            .filter(c -> c.path().contains("/secrets"))
            .mapToLong(RecordedCall::sequence)
            .min()
            .orElseThrow();
    assertThat(backupWritten)
        .as("the backup is written before the first change")
        .isLessThan(firstWrite);

    // Safety 1: networking at 0 from scale-down until the approval was recorded
    List<ReplicaChange> networking = journal.replicaChanges("networking");
    assertThat(networking).isNotEmpty();
    assertThat(networking.get(0).replicas()).isZero();
    assertThat(networking.stream().filter(c -> c.sequence() < approvalAt))
        .allSatisfy(
            c ->
                assertThat(c.replicas())
                    .as("networking replicas before approval at request " + c.sequence())
                    .isZero());
    assertThat(networking.stream().filter(c -> c.sequence() >= approvalAt && c.replicas() > 0))
        .isNotEmpty();
    // ... and no networking pod was created in that time: on real API servers by Kubernetes' own
    // ReplicaSet controller, within milliseconds of any replica count above 0.
    PodCreations.assertNoneFromTheScaleDownUntilTheApproval(journal, "networking", approvalAt);
    // Safety 2: discovery scaled up only after the CRDs and the control plane were written
    long discoveryUp =
        journal.replicaChanges("discovery").stream()
            .filter(c -> c.replicas() > 0)
            .mapToLong(ReplicaChange::sequence)
            .min()
            .orElseThrow();
    long lastCrdWrite =
        journal.mutating().stream()
            .filter(c -> c.path().contains("/customresourcedefinitions"))
            .mapToLong(RecordedCall::sequence)
            .max()
            .orElseThrow();
    long lastControlPlaneWrite =
        journal.mutating().stream()
            .filter(
                c ->
                    c.path()
                            .matches(
                                ".*/namespaces/gloo-mesh/deployments/(discovery|networking)(\\?.*)?")
                        && !c.method().equals("DELETE"))
            .filter(c -> c.body() != null && c.body().contains("0.11.3"))
            .mapToLong(RecordedCall::sequence)
            .max()
            .orElseThrow();
    assertThat(discoveryUp).isGreaterThan(lastCrdWrite).isGreaterThan(lastControlPlaneWrite);
    // ... and its pods follow: none from the scale-down until its scale-up, one after it.
    long discoveryDown = journal.replicaChanges("discovery").get(0).sequence();
    assertThat(journal.podCreations("gloo-mesh", "discovery"))
        .noneMatch(c -> c.sequence() > discoveryDown && c.sequence() < discoveryUp)
        .anyMatch(c -> c.sequence() > discoveryUp);

    // Safety 3: only the discovery group was deleted; every other Gloo Mesh resource is unchanged
    assertThat(journal.mutating().stream().filter(c -> c.method().equals("DELETE")))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.path()).contains("/apis/" + GlooMeshGroups.DISCOVERY + "/"));
    ConfigurationSnapshot.assertUnchanged(configurationBefore, ConfigurationSnapshot.capture(mgmt));

    // Safety 5: no service-account token of a re-registered cluster anywhere in the history
    String history = harness.historyJson();
    String historyText = HistoryText.decoded(history);
    for (String remote : sim.remoteClusters()) {
      List<Secret> tokens =
          sim.client(remote).secrets().inAnyNamespace().list().getItems().stream()
              .filter(s -> "kubernetes.io/service-account-token".equals(s.getType()))
              .toList();
      assertThat(tokens).as("token secrets on " + remote).isNotEmpty();
      for (Secret token : tokens) {
        String encoded = token.getData().get("token");
        String plain = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        assertThat(historyText).doesNotContain(encoded).doesNotContain(plain);
      }
    }

    if (RECORD_HISTORY != null) {
      Path out = Path.of(RECORD_HISTORY, "full-upgrade-0.10.10-to-0.11.3.json");
      Files.createDirectories(out.getParent());
      // The simulator's temporary folder would be a machine path in a checked-in fixture.
      Files.writeString(
          out,
          HistoryText.rewritten(
              history, Map.of(sim.kubeconfig().getParent().toString(), "/simulated")));
    }
  }
}
