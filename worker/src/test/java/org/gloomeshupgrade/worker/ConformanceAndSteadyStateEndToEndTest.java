package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.FixtureResources.MGMT_RETRIES;
import static org.gloomeshupgrade.worker.FixtureResources.TRAFFIC_POLICIES;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.ExpectedChange;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.ConformanceReview;
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
 * On the simulated clusters: a resource the target's schema would prune stops the run in preflight,
 * before any change; a fix and a re-check, or an accept on the record, let it go on. Networking
 * errors that clear pass; one that stays is reported red with its errors.
 */
class ConformanceAndSteadyStateEndToEndTest {
  private static final String LOST_FIELD = "legacyRetryBudget";
  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  private UpgradeHarness start() {
    return simulation.start(SimulatedUpgrade.mgmtAndCluster1());
  }

  /** A field no schema of the target has: the API server would drop it on the next write. */
  private void addFieldTheTargetWouldPrune(KubernetesClient mgmt) {
    GenericKubernetesResource policy = policy(mgmt);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        new LinkedHashMap<>((Map<String, Object>) policy.getAdditionalProperties().get("spec"));
    spec.put(LOST_FIELD, Map.of("minRetriesPerSecond", 3));
    policy.setAdditionalProperty("spec", spec);
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES).resource(policy).update();
  }

  private static GenericKubernetesResource policy(KubernetesClient mgmt) {
    return mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace("gloo-mesh")
        .withName("mgmt-retries")
        .get();
  }

  private static ConformanceReview review(UpgradeStatus s, Step step) {
    return s.conformance().stream().filter(r -> r.step() == step).findFirst().orElseThrow();
  }

  @Test
  void aFieldTheTargetWouldDropStopsTheRunBeforeAnyChangeUntilItIsFixedAndReChecked() {
    UpgradeHarness harness = start();
    SimulatedGlooMesh sim = simulation.sim();
    KubernetesClient mgmt = sim.client("mgmt");
    addFieldTheTargetWouldPrune(mgmt);
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(mgmt);
    long writesBefore = sim.journal("mgmt").mutating().size();
    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));

    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.PREFLIGHT);
    assertThat(review(stuck, Step.PREFLIGHT).problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo("TrafficPolicy");
              assertThat(p.namespace() + "/" + p.name()).isEqualTo("gloo-mesh/mgmt-retries");
              assertThat(p.path()).isEqualTo("$.spec." + LOST_FIELD);
              assertThat(p.hint()).isNotBlank();
            });
    assertThat(sim.journal("mgmt").mutating())
        .as("nothing changed on mgmt")
        .hasSize((int) writesBefore);
    assertThat(sim.journal("cluster-1").mutating()).isEmpty();

    // The person removes the field and asks for a re-check.
    GenericKubernetesResource policy = policy(mgmt);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        new LinkedHashMap<>((Map<String, Object>) policy.getAdditionalProperties().get("spec"));
    spec.remove(LOST_FIELD);
    policy.setAdditionalProperty("spec", spec);
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES).resource(policy).update();
    wf.decideNow(
        new StepDecision(
            Step.PREFLIGHT, Decision.RETRY, "carol", "removed " + LOST_FIELD, wf.status().gate()));

    UpgradeStatus waiting = awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(review(waiting, Step.PREFLIGHT).outcome())
        .isEqualTo(ConformanceReview.Outcome.CLEAN);
    assertThat(review(waiting, Step.PREFLIGHT).checks()).isEqualTo(2);
    assertThat(review(waiting, Step.CONFORMANCE).outcome())
        .isEqualTo(ConformanceReview.Outcome.CLEAN);
    wf.approve(new Approval("carol", "CHG-1", wf.status().gate()));
    UpgradeReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(check(report, "conformance").level()).isEqualTo(CheckLevel.GREEN);
    // The person's fix is the only change to the configuration.
    ConfigurationSnapshot.assertChangedExactly(
        before,
        ConfigurationSnapshot.capture(mgmt),
        ExpectedChange.at(MGMT_RETRIES, "/spec/" + LOST_FIELD).removed());
  }

  @Test
  void anExplicitAcceptLetsTheRunGoOnAndIsInTheStatusAndTheFinalReport() {
    UpgradeHarness harness = start();
    SimulatedGlooMesh sim = simulation.sim();
    addFieldTheTargetWouldPrune(sim.client("mgmt"));
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(sim.client("mgmt"));
    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    wf.decideNow(
        new StepDecision(
            Step.PREFLIGHT,
            Decision.ACCEPT,
            "dave",
            "the budget is re-added by CHG-2",
            wf.status().gate()));
    UpgradeStatus waiting = awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);

    assertThat(review(waiting, Step.PREFLIGHT))
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(ConformanceReview.Outcome.ACCEPTED);
              assertThat(r.decidedBy()).isEqualTo("dave");
              assertThat(r.reason()).isEqualTo("the budget is re-added by CHG-2");
            });
    // The simulated API server keeps the field, so step 6
    // finds it again: already accepted, it does not stop.
    assertThat(review(waiting, Step.CONFORMANCE).outcome())
        .isEqualTo(ConformanceReview.Outcome.ACCEPTED);
    assertThat(waiting.decisions())
        .containsExactly("PREFLIGHT: ACCEPT by dave (the budget is re-added by CHG-2)");
    wf.approve(new Approval("dave", "CHG-1", wf.status().gate()));
    UpgradeReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(check(report, "conformance").level()).isEqualTo(CheckLevel.YELLOW);
    assertThat(check(report, "conformance").detail())
        .contains("accepted by dave")
        .contains(LOST_FIELD);
    ConfigurationSnapshot.assertUnchanged(
        before, ConfigurationSnapshot.capture(sim.client("mgmt")));
  }

  @Test
  void networkingErrorsThatClearPassAndOneThatStaysIsReportedRedWithItsErrors() {
    UpgradeHarness harness = start();
    SimulatedGlooMesh sim = simulation.sim();
    sim.networkingReportsErrors(
        "TrafficPolicy",
        "gloo-mesh",
        "mgmt-retries",
        Duration.ofSeconds(2),
        "destination reviews.bookinfo not found on cluster-1");
    sim.networkingReportsErrors(
        "VirtualMesh",
        "gloo-mesh",
        sim.client("mgmt")
            .genericKubernetesResources(
                new ResourceDefinitionContext.Builder()
                    .withGroup("networking.mesh.gloo.solo.io")
                    .withVersion("v1alpha2")
                    .withKind("VirtualMesh")
                    .withPlural("virtualmeshes")
                    .withNamespaced(true)
                    .build())
            .inNamespace("gloo-mesh")
            .list()
            .getItems()
            .get(0)
            .getMetadata()
            .getName(),
        null,
        "root certificate authority not ready");
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(sim.client("mgmt"));
    GlooMeshUpgradeWorkflow wf =
        harness.start(harness.request("0.11.3").put("networkingTimeout", "6s"));
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    wf.approve(new Approval("erin", "CHG-3", wf.status().gate()));

    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.currentStep()).isEqualTo(Step.NETWORKING);
    assertThat(stuck.networking().notAccepted())
        .singleElement()
        .asString()
        .startsWith("VirtualMesh gloo-mesh/")
        .contains("INVALID (root certificate authority not ready)");
    assertThat(stuck.networking().recovered())
        .singleElement()
        .asString()
        .startsWith(
            "TrafficPolicy gloo-mesh/mgmt-retries (INVALID (destination reviews.bookinfo not found on "
                + "cluster-1), ACCEPTED after");
    assertThat(stuck.attention()).contains("root certificate authority not ready");

    wf.decideNow(
        new StepDecision(
            Step.NETWORKING, Decision.SKIP, "erin", "CA is being rotated", wf.status().gate()));
    awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION && s.currentStep() == Step.VERIFY);
    wf.decideNow(
        new StepDecision(
            Step.VERIFY, Decision.SKIP, "erin", "tracked in NET-4", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.FINISHED_WITH_PROBLEMS);
    VerifyCheck networking = check(report, "networking resources accepted");
    assertThat(networking.level()).isEqualTo(CheckLevel.RED);
    assertThat(networking.detail())
        .contains("root certificate authority not ready")
        .doesNotContain("destination reviews.bookinfo");
    assertThat(networking.hint()).isNotBlank();
    assertThat(report.verify().checks())
        .extracting(VerifyCheck::name)
        .contains(
            "deployments available",
            "CRDs at target version",
            "clusters registered",
            "discovery complete",
            "conformance");
    assertThat(report.verify().checks())
        .filteredOn(c -> !c.name().equals("networking resources accepted"))
        .allSatisfy(
            c ->
                assertThat(c.level()).as(c.name() + ": " + c.detail()).isEqualTo(CheckLevel.GREEN));
    ConfigurationSnapshot.assertUnchanged(
        before, ConfigurationSnapshot.capture(sim.client("mgmt")));
  }

  private static VerifyCheck check(UpgradeReport report, String name) {
    return report.verify().checks().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
