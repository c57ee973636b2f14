package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.ExpectedChange;
import org.gloomeshupgrade.testkit.GlooMeshFixtures;
import org.gloomeshupgrade.testkit.RecordedCall;
import org.gloomeshupgrade.testkit.ResourceKey;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rejections, bad input, retries and stuck steps, with the real worker against simulated clusters.
 */
class UpgradeFailuresTest {
  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  /** Gloo Mesh outside discovery before the run started: no run here may leave it changed. */
  private ConfigurationSnapshot configurationBefore;

  /**
   * What serves the simulated clusters; the *IT subclass runs the same tests on real API servers.
   */
  ClusterBackend backend() {
    return ClusterBackend.MOCK;
  }

  /**
   * Faults and the simulated authorizer exist only on the mock; a real server has RBAC, see
   * ServiceAccountUpgradeIT.
   */
  private void requireMock() {
    assumeTrue(
        backend() == ClusterBackend.MOCK, "needs injected faults or the simulated authorizer");
  }

  private UpgradeHarness start(Duration discoveryDelay) {
    return start(discoveryDelay, UnaryOperator.identity());
  }

  /**
   * @param trust what the worker trusts beyond the defaults and the simulator's charts
   */
  private UpgradeHarness start(Duration discoveryDelay, UnaryOperator<TrustedSources> trust) {
    SimulatedGlooMesh sim =
        simulation.simulate(
            SimulatedGlooMesh.builder()
                .backend(backend())
                .managementCluster("mgmt")
                .remoteClusters("cluster-1", "cluster-2")
                .glooMeshVersion("0.10.10")
                .deploymentDelay(Duration.ofMillis(100))
                .discoveryDelay(discoveryDelay));
    UpgradeHarness harness =
        simulation.startHarness(
            sim.kubeconfig(),
            clients -> UpgradeWorker.activities(clients, trust.apply(UpgradeHarness.trusted(sim))));
    configurationBefore = ConfigurationSnapshot.capture(simulation.sim().client("mgmt"));
    return harness;
  }

  private void assertConfigurationUnchanged() {
    ConfigurationSnapshot.assertUnchanged(
        configurationBefore, ConfigurationSnapshot.capture(simulation.sim().client("mgmt")));
  }

  private int networkingReplicas() {
    return simulation
        .sim()
        .client("mgmt")
        .apps()
        .deployments()
        .inNamespace("gloo-mesh")
        .withName("networking")
        .get()
        .getSpec()
        .getReplicas();
  }

  @Test
  void aBadRequestIsRefusedNamingTheFieldBeforeAnyMutatingRequest() {
    UpgradeHarness harness = start(Duration.ofMillis(300));
    SimulatedGlooMesh sim = simulation.sim();
    GlooMeshUpgradeWorkflow wf =
        harness.start(
            harness
                .request("0.11.3")
                .put("discoveryTimeout", "forever")
                .put("namespce", "gloo-mesh"));

    Throwable failure = catchThrowable(() -> result(wf));

    assertThat(failure).isInstanceOf(WorkflowFailedException.class);
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
    assertThat(cause.getOriginalMessage())
        .contains("discoveryTimeout: \"forever\"")
        .contains("unknown field \"namespce\"");
    for (String cluster : List.of("mgmt", "cluster-1", "cluster-2")) {
      assertThat(sim.journal(cluster).mutating()).as(cluster).isEmpty();
    }
    assertConfigurationUnchanged();
  }

  @Test
  void aDowngradeAndAZeroToOneUpgradeAreRefusedAtPreflightBeforeAnyMutatingRequest() {
    UpgradeHarness harness = start(Duration.ofMillis(300));
    SimulatedGlooMesh sim = simulation.sim();
    for (String target : List.of("0.10.9", "1.0.4")) {
      GlooMeshUpgradeWorkflow wf =
          harness.start(harness.request("0.11.3").put("targetVersion", target));

      Throwable failure = catchThrowable(() -> result(wf));

      assertThat(failure).as(target).isInstanceOf(WorkflowFailedException.class);
      String message = ((ApplicationFailure) failure.getCause()).getOriginalMessage();
      assertThat(message)
          .as(target)
          .contains(
              target.equals("0.10.9")
                  ? "refusing to downgrade from 0.10.10 to 0.10.9: set allowDowngrade to true"
                  : "refusing 0.10.10 to 1.0.4 in place: 0.x to 1.x");
      for (String cluster : List.of("mgmt", "cluster-1", "cluster-2")) {
        assertThat(sim.journal(cluster).mutating()).as(target + " on " + cluster).isEmpty();
      }
      assertConfigurationUnchanged();
    }
  }

  @Test
  void aTargetTheChartRepositoryLacksStopsTheRunAtToolingBeforeAnyChange() throws Exception {
    HttpServer repository =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] index =
        ("apiVersion: v1\nentries:\n  gloo-mesh:\n  - name: gloo-mesh\n    version: 0.11.3\n"
                + "    urls: [gloo-mesh-0.11.3.tgz]\n")
            .getBytes(StandardCharsets.UTF_8);
    repository.createContext(
        "/gloo-mesh/index.yaml",
        exchange -> {
          exchange.sendResponseHeaders(200, index.length);
          exchange.getResponseBody().write(index);
          exchange.close();
        });
    repository.start();
    try {
      String url = "http://127.0.0.1:" + repository.getAddress().getPort() + "/gloo-mesh";
      UpgradeHarness harness = start(Duration.ofMillis(300), trusted -> trusted.withChart(url));
      SimulatedGlooMesh sim = simulation.sim();
      GlooMeshUpgradeWorkflow wf =
          harness.start(harness.request("0.11.3").put("targetVersion", "0.11.2").put("chart", url));

      UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

      assertThat(stuck.currentStep()).isEqualTo(Step.TOOLING);
      assertThat(stuck.attention())
          .contains("chart repository " + url + " has no gloo-mesh 0.11.2 (it has [0.11.3])");
      for (String cluster : List.of("mgmt", "cluster-1", "cluster-2")) {
        assertThat(sim.journal(cluster).mutating()).as(cluster).isEmpty();
      }
      assertConfigurationUnchanged();
    } finally {
      repository.stop(0);
    }
  }

  @Test
  void aTargetWhoseCrdsDropAStoredVersionStopsTheRunAtToolingBeforeAnyChange() {
    assumeTrue(
        backend() == ClusterBackend.MOCK,
        "a real API server refuses a stored version its CRD does not serve, so the mock plays it");
    UpgradeHarness harness = start(Duration.ofMillis(300));
    SimulatedGlooMesh sim = simulation.sim();
    String crd = "trafficpolicies.networking.mesh.gloo.solo.io";
    sim.client("mgmt")
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd)
        .editStatus(
            live -> {
              live.getStatus().setStoredVersions(List.of("v1alpha0", "v1alpha2"));
              return live;
            });

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.TOOLING);
    assertThat(stuck.attention()).contains(crd + " drops v1alpha0").contains("Nothing was changed");
    for (String cluster : List.of("mgmt", "cluster-1", "cluster-2")) {
      assertThat(sim.journal(cluster).mutating()).as(cluster).isEmpty();
    }
    assertConfigurationUnchanged();
  }

  @Test
  void skippingAMinorLineIsAWarningThatDoesNotStopTheRun() {
    UpgradeHarness harness = start(Duration.ofMillis(300));
    SimulatedGlooMesh sim = simulation.sim();
    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.12.8"));

    UpgradeStatus waiting = awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);

    assertThat(waiting.warnings())
        .anyMatch(
            w ->
                w.contains("skipping minor lines (0.10.10 to 0.12.8)") && w.contains("changelogs"));
    // By the approval the 0.12.8 chart is applied, with its own Settings object: Gloo Mesh 0.12
    // moved spec.istio to spec.discovery.istio and added spec.relay. Nothing else may change.
    ResourceKey settings =
        ResourceKey.namespaced(GlooMeshGroups.SETTINGS, "Settings", "gloo-mesh", "settings");
    Map<String, Object> target = GlooMeshFixtures.settingsSpec("0.12.8");
    ConfigurationSnapshot.assertChangedExactly(
        configurationBefore,
        ConfigurationSnapshot.capture(sim.client("mgmt")),
        ExpectedChange.at(settings, "/spec/istio")
            .from(GlooMeshFixtures.settingsSpec("0.10.10").get("istio"))
            .removed(),
        ExpectedChange.at(settings, "/spec/discovery").added().to(target.get("discovery")),
        ExpectedChange.at(settings, "/spec/relay").added().to(target.get("relay")));
  }

  @Test
  void aMissingPermissionStopsTheRunAtPreflightNamingItBeforeAnyChange() {
    requireMock();
    UpgradeHarness harness = start(Duration.ofMillis(300));
    SimulatedGlooMesh sim = simulation.sim();
    sim.authorizer("mgmt")
        .deny("deletecollection", "discovery.mesh.gloo.solo.io", "traffictargets");
    sim.authorizer("cluster-2").deny("create", "rbac.authorization.k8s.io", "clusterrolebindings");

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.PREFLIGHT);
    assertThat(stuck.attention())
        .contains("lacks 2 permission(s)")
        .contains(
            "deletecollection discovery.mesh.gloo.solo.io/traffictargets in gloo-mesh on mgmt")
        .contains("create rbac.authorization.k8s.io/clusterrolebindings cluster-wide on cluster-2");
    for (String cluster : List.of("mgmt", "cluster-1", "cluster-2")) {
      assertThat(sim.journal(cluster).mutating()).as(cluster).isEmpty();
    }
    assertConfigurationUnchanged();

    sim.authorizer("mgmt").allowAll();
    sim.authorizer("cluster-2").allowAll();
    wf.decideNow(
        new StepDecision(
            Step.PREFLIGHT, Decision.RETRY, "ops", "RBAC granted", wf.status().gate()));
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(wf.status().warnings()).noneMatch(w -> w.contains("without an answer"));
    assertConfigurationUnchanged();
  }

  @Test
  void aManagementContextTheKubeconfigLacksIsRefusedAtPreflight() {
    UpgradeHarness harness = start(Duration.ofMillis(300));
    SimulatedGlooMesh sim = simulation.sim();
    GlooMeshUpgradeWorkflow wf =
        harness.start(harness.request("0.11.3").put("managementContext", "prod-mgmt"));

    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.PREFLIGHT);
    assertThat(stuck.attention())
        .contains("kubeconfig context \"prod-mgmt\" is not in the worker's kubeconfig");
    for (String cluster : List.of("mgmt", "cluster-1", "cluster-2")) {
      assertThat(sim.journal(cluster).fromClients()).as(cluster).isEmpty();
    }
    assertConfigurationUnchanged();
  }

  @Test
  void aRejectionKeepsNetworkingAtZeroAndEndsTheRunAsRejected() {
    UpgradeHarness harness = start(Duration.ofMillis(300));
    SimulatedGlooMesh sim = simulation.sim();
    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);

    assertThat(wf.rejectNow(new Approval("bob", "outside the change window", wf.status().gate())))
        .contains("rejected by bob");
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.REJECTED);
    assertThat(report.summary()).contains("rejected by bob (outside the change window)");
    assertThat(networkingReplicas()).isZero();
    assertThat(sim.journal("mgmt").replicaChanges("networking"))
        .allSatisfy(c -> assertThat(c.replicas()).isZero());
    assertConfigurationUnchanged();
  }

  @Test
  void aServerErrorIsRetriedWithBackoffAndTheRunCarriesOn() {
    requireMock();
    UpgradeHarness harness = start(Duration.ofMillis(300));
    SimulatedGlooMesh sim = simulation.sim();
    sim.faults("mgmt").failNext("PATCH", ".*/deployments/networking/scale.*", 500, 2);
    sim.faults("mgmt").failNext("PUT", ".*/deployments/networking/scale.*", 500, 2);

    GlooMeshUpgradeWorkflow wf =
        harness.start(harness.request("0.11.3").put("requireApproval", false));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    List<HistoryEvent> started =
        harness.client.fetchHistory(UpgradeHarness.ID).getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
            .toList();
    assertThat(
            started.stream()
                .mapToInt(e -> e.getActivityTaskStartedEventAttributes().getAttempt())
                .max()
                .orElseThrow())
        .as("the failing scale-down was attempted three times")
        .isEqualTo(3);
    assertConfigurationUnchanged();
  }

  @Test
  void aThrottledScaleIsRetriedWhenTheApiServersRetryAfterSaysAndTheRunCarriesOn() {
    requireMock();
    UpgradeHarness harness = start(Duration.ofMillis(300));
    SimulatedGlooMesh sim = simulation.sim();
    String scale = ".*/deployments/networking/scale.*";
    sim.faults("mgmt").throttleNext("*", scale, 4, 1);

    GlooMeshUpgradeWorkflow wf =
        harness.start(harness.request("0.11.3").put("requireApproval", false));

    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
    List<RecordedCall> calls = sim.journal("mgmt").all();
    RecordedCall throttled =
        calls.stream().filter(c -> c.responseCode() == 429).findFirst().orElseThrow();
    RecordedCall retried =
        calls.stream()
            .filter(c -> c.sequence() > throttled.sequence())
            .filter(c -> c.method().equals(throttled.method()) && c.path().equals(throttled.path()))
            .findFirst()
            .orElseThrow();
    // 4 s as asked, not the 1 s backoff. The retry's timer runs on the Temporal server, which
    // starts it when the worker reports the 429, a few milliseconds after the mock answered it.
    assertThat(Duration.between(throttled.time(), retried.time()))
        .as("from the 429 to the same request again")
        .isGreaterThan(Duration.ofSeconds(3));
    assertConfigurationUnchanged();
  }

  @Test
  void aForbiddenRequestFailsAtOnceWithAReadableMessageAndWaitsForAPerson() {
    requireMock();
    UpgradeHarness harness = start(Duration.ofMillis(300));
    SimulatedGlooMesh sim = simulation.sim();
    sim.faults("mgmt")
        .failNext("DELETE", ".*/apis/discovery\\.mesh\\.gloo\\.solo\\.io/.*", 403, 100);

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.DELETE_DISCOVERY);
    assertThat(stuck.attention()).contains("403 Forbidden").contains("on cluster mgmt");
    assertThat(stuck.awaiting()).contains("gmu decide");
    assertThat(
            harness.client.fetchHistory(UpgradeHarness.ID).getEvents().stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
                .mapToInt(e -> e.getActivityTaskStartedEventAttributes().getAttempt())
                .max()
                .orElseThrow())
        .as("a 403 is not retried")
        .isEqualTo(1);
    assertThat(networkingReplicas()).isZero();
    assertConfigurationUnchanged();

    sim.faults("mgmt").clear();
    wf.decideNow(
        new StepDecision(
            Step.DELETE_DISCOVERY, Decision.RETRY, "ops", "RBAC fixed", wf.status().gate()));
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    wf.approveNow(new Approval("ops", "go", wf.status().gate()));
    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
    assertConfigurationUnchanged();
  }

  @Test
  void discoveryThatSettlesLateIsWaitedForWithTimers() {
    UpgradeHarness harness = start(Duration.ofSeconds(3));
    GlooMeshUpgradeWorkflow wf =
        harness.start(harness.request("0.11.3").put("requireApproval", false));

    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(wf.status().discovery().polls()).isGreaterThan(5);
    assertThat(wf.status().discovery().settled()).startsWith("inventory back");
    assertConfigurationUnchanged();
  }

  @Test
  void discoveryThatNeverSettlesStopsForAPersonWithNetworkingAtZero() throws InterruptedException {
    UpgradeHarness harness = start(Duration.ofMillis(300));
    SimulatedGlooMesh sim = simulation.sim();
    sim.pauseDiscovery(true);
    GlooMeshUpgradeWorkflow wf =
        harness.start(
            harness
                .request("0.11.3")
                .put("discoveryTimeout", "3s")
                .put("discoverySettleWindow", "1s"));

    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    Thread.sleep(1000);

    assertThat(stuck.currentStep()).isEqualTo(Step.DISCOVERY);
    assertThat(stuck.attention()).contains("discovery did not settle within 3s");
    assertThat(wf.status().state()).isEqualTo(RunState.NEEDS_ATTENTION);
    assertThat(networkingReplicas()).isZero();

    wf.decideNow(
        new StepDecision(
            Step.DISCOVERY, Decision.ABORT, "ops", "investigating discovery", wf.status().gate()));
    Throwable failure = catchThrowable(() -> result(wf));
    assertThat(((ApplicationFailure) failure.getCause()).getType()).isEqualTo(FailureTypes.ABORTED);
    assertThat(networkingReplicas()).isZero();
    assertConfigurationUnchanged();
  }
}
