package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.gloomeshupgrade.worker.SimulatedFleet.awaitFleet;
import static org.gloomeshupgrade.worker.SimulatedFleet.result;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.fleet.FleetAction;
import org.gloomeshupgrade.fleet.FleetAnswer;
import org.gloomeshupgrade.fleet.FleetMemo;
import org.gloomeshupgrade.fleet.FleetProgress;
import org.gloomeshupgrade.fleet.FleetReport;
import org.gloomeshupgrade.fleet.FleetResume;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.GlooMeshFleetWorkflow;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.PlaneStatus;
import org.gloomeshupgrade.fleet.WaveApproval;
import org.gloomeshupgrade.fleet.WaveState;
import org.gloomeshupgrade.resume.EarlierRun;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.ReplicaChange;
import org.gloomeshupgrade.testkit.RequestJournal;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fleets of simulated management planes upgraded by the real worker: waves, soak, halts, wave
 * approvals; every plane's own safety properties checked from the requests its API server got.
 */
class FleetEndToEndTest {
  /** Set to a folder to (re)record the fleet history and a plane's that the replay tests check. */
  private static final String RECORD_HISTORY = System.getProperty("gmu.recordHistory");

  @RegisterExtension final SimulatedFleet fleet = new SimulatedFleet();

  private static Map<String, List<String>> stagingThenProd() {
    Map<String, List<String>> waves = new LinkedHashMap<>();
    waves.put("staging", List.of("staging"));
    waves.put("prod", List.of("prod-us", "prod-eu"));
    return waves;
  }

  private static PlaneStatus plane(FleetStatus status, String context) {
    return status.waves().stream()
        .flatMap(w -> w.planes().stream())
        .filter(p -> p.context().equals(context))
        .findFirst()
        .orElseThrow();
  }

  private static boolean waiting(FleetStatus s, String... contexts) {
    for (String context : contexts) {
      if (plane(s, context).state() != PlaneState.WAITING_FOR_APPROVAL) {
        return false;
      }
    }
    return true;
  }

  @Test
  void threePlanesInTwoWavesEndGreenWithAnApprovalPerWaveAndTheSecondWaveAfterTheSoak()
      throws Exception {
    fleet.start("staging", "prod-us", "prod-eu");
    Map<String, ConfigurationSnapshot> before = new LinkedHashMap<>();
    for (String context : List.of("staging", "prod-us", "prod-eu")) {
      before.put(context, ConfigurationSnapshot.capture(fleet.plane(context).client(context)));
    }
    ObjectNode request = fleet.request("0.11.3", stagingThenProd());
    request.put("soak", "4s").put("approval", "per-wave");
    ((ObjectNode) request.get("common"))
        .put("requestedBy", "alice")
        .putArray("approvers")
        .add("alice")
        .add("carol");
    GlooMeshFleetWorkflow wf = fleet.start(request);

    awaitFleet(wf, s -> waiting(s, "staging"));
    assertThatThrownBy(() -> wf.approveWave(new WaveApproval("staging", "alice", "mine")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("staging: alice requested this upgrade and may not approve wave");
    assertThatThrownBy(() -> wf.approveWave(new WaveApproval("staging", "mallory", "why not")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("staging: mallory is not on the approver list [alice, carol]");
    assertThatThrownBy(() -> wf.approveWave(new WaveApproval("prod", "carol", "early")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("wave prod is PENDING");
    Map<String, Long> approvalAt = new LinkedHashMap<>();
    approvalAt.put("staging", PodCreations.nextSequence(journal("staging")));
    assertThat(wf.approveWave(new WaveApproval("staging", "carol", "CHG-1")))
        .contains("wave staging approved by carol");

    FleetStatus prodWaiting = awaitFleet(wf, s -> waiting(s, "prod-us", "prod-eu"));
    assertThat(prodWaiting.waves().get(0).state()).isEqualTo(WaveState.DONE);
    approvalAt.put("prod-us", PodCreations.nextSequence(journal("prod-us")));
    approvalAt.put("prod-eu", PodCreations.nextSequence(journal("prod-eu")));
    wf.approveWave(new WaveApproval("prod", "carol", "CHG-2"));
    FleetReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(FleetState.SUCCEEDED);
    assertThat(report.summary()).contains("3 of 3 planes at 0.11.3 in 2 waves");
    assertThat(report.status().waves())
        .allSatisfy(w -> assertThat(w.state()).isEqualTo(WaveState.DONE));
    assertThat(report.status().waves()).extracting(w -> w.approvedBy()).containsOnly("carol");
    assertThat(report.status().halts()).isEmpty();
    assertThat(report.status().warnings()).as("every plane's news was its fleet's").isEmpty();
    for (String context : approvalAt.keySet()) {
      PlaneStatus p = plane(report.status(), context);
      assertThat(p.state()).as(context).isEqualTo(PlaneState.SUCCEEDED);
      assertThat(p.level()).as(context).isEqualTo(CheckLevel.GREEN);
      UpgradeReport child =
          fleet
              .client()
              .newUntypedWorkflowStub(UpgradeNames.workflowId(context))
              .getResult(UpgradeReport.class);
      assertThat(child.outcome()).isEqualTo(RunState.SUCCEEDED);
      assertThat(child.approval().by()).isEqualTo("carol");
      assertThat(child.approval().reason()).contains("of fleet mesh");
      assertThat(
              fleet
                  .client()
                  .fetchHistory(UpgradeNames.workflowId(context))
                  .getEvents()
                  .get(0)
                  .getWorkflowExecutionStartedEventAttributes()
                  .getInput()
                  .getPayloads(0)
                  .getData()
                  .toStringUtf8())
          .as("the plane's notifications say whose it is")
          .contains(
              "\"notifyNote\":\"wave %s of fleet mesh: its approval is the wave's"
                  .formatted(context.equals("staging") ? "staging" : "prod"));

      // Each plane's own safety: networking at 0 from its scale-down until its approval, and
      // every Gloo Mesh resource but discovery's unchanged.
      RequestJournal journal = journal(context);
      List<ReplicaChange> networking = journal.replicaChanges("networking");
      assertThat(networking.get(0).replicas()).isZero();
      assertThat(networking.stream().filter(c -> c.sequence() < approvalAt.get(context)))
          .allSatisfy(c -> assertThat(c.replicas()).as(context).isZero());
      PodCreations.assertNoneFromTheScaleDownUntilTheApproval(
          journal, "networking", approvalAt.get(context));
      ConfigurationSnapshot.assertUnchanged(before.get(context), snapshot(context));
    }

    // The second wave started only after the first's plane ended and the soak ran its course, and
    // its two planes ran at once.
    List<HistoryEvent> events = fleet.client().fetchHistory(SimulatedFleet.FLEET_ID).getEvents();
    long stagingEnded =
        childEvent(events, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, "staging");
    long prodUsStarted =
        childEvent(
            events, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, "prod-us");
    long prodEuStarted =
        childEvent(
            events, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, "prod-eu");
    long prodUsEnded =
        childEvent(events, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, "prod-us");
    long prodEuEnded =
        childEvent(events, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, "prod-eu");
    assertThat(Math.min(prodUsStarted, prodEuStarted) - stagingEnded)
        .as("ms from staging's end to the first start in wave prod")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(4).toMillis());
    assertThat(Math.max(prodUsStarted, prodEuStarted))
        .as("both prod planes started before either ended")
        .isLessThan(Math.min(prodUsEnded, prodEuEnded));

    if (RECORD_HISTORY != null) {
      record(
          "fleet-histories/three-planes-two-waves-approved-per-wave.json", SimulatedFleet.FLEET_ID);
      record(
          "histories/plane-of-a-fleet-approved-by-its-wave.json",
          UpgradeNames.workflowId("prod-us"));
    }
  }

  /** A history as a fixture, without the simulators' temporary folders. */
  private void record(String file, String workflowId) throws Exception {
    Path out = Path.of(RECORD_HISTORY, file);
    Files.createDirectories(out.getParent());
    Map<String, String> folders = new LinkedHashMap<>();
    for (String context : List.of("staging", "prod-us", "prod-eu")) {
      folders.put(
          fleet.plane(context).kubeconfig().getParent().toString(), "/simulated/" + context);
    }
    Files.writeString(out, HistoryText.rewritten(fleet.historyJson(workflowId), folders));
  }

  @Test
  void aPlaneTurningRedDuringTheSoakHaltsTheFleetUntilAPersonRechecksAfterTheFix() {
    fleet.start("staging", "prod-us");
    Map<String, List<String>> waves = new LinkedHashMap<>();
    waves.put("staging", List.of("staging"));
    waves.put("prod", List.of("prod-us"));
    ObjectNode request = fleet.request("0.11.3", waves);
    request.put("soak", "15s");
    ((ObjectNode) request.get("common"))
        .put("requireApproval", false)
        .put("requestedBy", "alice")
        .putArray("approvers")
        .add("bob");
    GlooMeshFleetWorkflow wf = fleet.start(request);

    awaitFleet(wf, s -> s.state() == FleetState.SOAKING);
    assertThatThrownBy(() -> wf.approveWave(new WaveApproval("staging", "bob", "go")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("this fleet's approval is per-plane");
    assertThatThrownBy(() -> wf.continueFleet(new FleetAnswer(FleetAction.CONTINUE, "bob", "go")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("the fleet is not halted (it is SOAKING)");
    KubernetesClient staging = fleet.plane("staging").client("staging");
    scaleNetworking(staging, 0);
    FleetStatus halted = awaitFleet(wf, s -> s.state() == FleetState.HALTED);
    assertThat(halted.halts())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.wave()).isEqualTo("staging");
              assertThat(h.reason()).startsWith("soak check red: staging:");
            });
    assertThat(plane(halted, "prod-us").state()).isEqualTo(PlaneState.PENDING);
    assertThat(halted.waves().get(0).checks()).anyMatch(l -> l.contains("RED"));

    // Looked at again while still red: halted again.
    wf.continueFleet(new FleetAnswer(FleetAction.RECHECK, "bob", "still broken?"));
    FleetStatus again =
        awaitFleet(wf, s -> s.halts().size() == 2 && s.state() == FleetState.HALTED);
    assertThat(again.halts().get(0).action()).isEqualTo(FleetAction.RECHECK);
    assertThat(plane(again, "prod-us").state()).isEqualTo(PlaneState.PENDING);
    assertThat(EarlierRun.find(fleet.client(), UpgradeNames.workflowId("prod-us"), ""))
        .as("no run of the next wave while halted")
        .isEmpty();

    scaleNetworking(staging, 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Integer.valueOf(1)
                    .equals(
                        staging
                            .apps()
                            .deployments()
                            .inNamespace("gloo-mesh")
                            .withName("networking")
                            .get()
                            .getStatus()
                            .getAvailableReplicas()));
    assertThatThrownBy(
            () -> wf.continueFleet(new FleetAnswer(FleetAction.CONTINUE, "mallory", "looks fine")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("staging: mallory is not on the approver list [bob]");
    assertThatThrownBy(() -> wf.continueFleet(new FleetAnswer(FleetAction.CONTINUE, "bob", "")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("reason: required");
    wf.continueFleet(new FleetAnswer(FleetAction.RECHECK, "bob", "networking restarted"));
    FleetReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(FleetState.SUCCEEDED);
    assertThat(report.summary()).contains("after 2 halts");
    assertThat(report.status().halts().get(1))
        .satisfies(
            h -> {
              assertThat(h.action()).isEqualTo(FleetAction.RECHECK);
              assertThat(h.by()).isEqualTo("bob");
              assertThat(h.why()).isEqualTo("networking restarted");
              assertThat(h.answeredAt()).isNotBlank();
            });
    assertThat(report.status().waves().get(0).checks()).as("green after the fix").isEmpty();
    assertThat(plane(report.status(), "prod-us").state()).isEqualTo(PlaneState.SUCCEEDED);
  }

  @Test
  void aPlaneFailingAtAStepHaltsTheFleetAndARetryThenAContinueFinishIt() {
    fleet.start("staging", "prod-us");
    Map<String, List<String>> waves = new LinkedHashMap<>();
    waves.put("staging", List.of("staging"));
    waves.put("prod", List.of("prod-us"));
    ObjectNode request = fleet.request("0.11.3", waves);
    request.put("soak", "0s");
    ((ObjectNode) request.get("common"))
        .put("requireApproval", false)
        .put("discoveryTimeout", "5s");
    fleet.plane("staging").pauseDiscovery(true);
    GlooMeshFleetWorkflow wf = fleet.start(request);

    FleetStatus halted = awaitFleet(wf, s -> s.state() == FleetState.HALTED);
    PlaneStatus staging = plane(halted, "staging");
    assertThat(staging.state()).isEqualTo(PlaneState.NEEDS_ATTENTION);
    assertThat(staging.gate()).isNotBlank();
    assertThat(halted.halts())
        .singleElement()
        .satisfies(h -> assertThat(h.reason()).startsWith("staging NEEDS_ATTENTION"));
    assertThat(plane(halted, "prod-us").state()).isEqualTo(PlaneState.PENDING);

    // The plane's own decision, as for a single upgrade; the fleet stays halted until a person
    // continues it.
    fleet.plane("staging").pauseDiscovery(false);
    fleet
        .planeRun("staging")
        .decideNow(
            new StepDecision(
                staging.step(), Decision.RETRY, "bob", "discovery back", staging.gate()));
    FleetStatus succeeded =
        awaitFleet(wf, s -> plane(s, "staging").state() == PlaneState.SUCCEEDED);
    assertThat(succeeded.state()).isEqualTo(FleetState.HALTED);
    assertThat(plane(succeeded, "prod-us").state()).isEqualTo(PlaneState.PENDING);

    wf.continueFleet(new FleetAnswer(FleetAction.CONTINUE, "bob", "staging retried and green"));
    FleetReport report = result(wf);
    assertThat(report.outcome()).as(report.summary()).isEqualTo(FleetState.SUCCEEDED);
    assertThat(report.status().halts())
        .singleElement()
        .satisfies(h -> assertThat(h.by()).isEqualTo("bob"));
    assertThat(plane(report.status(), "prod-us").state()).isEqualTo(PlaneState.SUCCEEDED);
  }

  @Test
  void aPlaneRolledBackHaltsTheFleetAndAContinueFinishesItWithProblems() {
    fleet.start("staging", "prod-us");
    Map<String, List<String>> waves = new LinkedHashMap<>();
    waves.put("staging", List.of("staging"));
    waves.put("prod", List.of("prod-us"));
    ObjectNode request = fleet.request("0.11.3", waves);
    request.put("soak", "0s");
    ((ObjectNode) request.get("common"))
        .put("requireApproval", false)
        .put("discoveryTimeout", "5s");
    fleet.plane("staging").pauseDiscovery(true);
    GlooMeshFleetWorkflow wf = fleet.start(request);

    PlaneStatus failed = plane(awaitFleet(wf, s -> s.state() == FleetState.HALTED), "staging");
    fleet
        .planeRun("staging")
        .decideNow(
            new StepDecision(
                failed.step(),
                Decision.ROLLBACK,
                "bob",
                "discovery is broken at 0.11.3 here",
                failed.gate()));
    FleetStatus rolledBack = awaitFleet(wf, s -> plane(s, "staging").state() == PlaneState.ENDED);
    assertThat(plane(rolledBack, "staging").runState()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(rolledBack.state()).isEqualTo(FleetState.HALTED);
    FleetStatus reworded =
        awaitFleet(wf, s -> s.halts().get(0).reason().startsWith("staging ROLLED_BACK"));
    assertThat(reworded.halts()).as("the open halt names what it is now").hasSize(1);
    assertThat(plane(rolledBack, "prod-us").state()).isEqualTo(PlaneState.PENDING);

    wf.continueFleet(new FleetAnswer(FleetAction.CONTINUE, "bob", "prod first, staging later"));
    FleetReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(FleetState.FINISHED_WITH_PROBLEMS);
    assertThat(report.summary()).contains("finished with problems: 1 of 2 planes at 0.11.3");
    assertThat(plane(report.status(), "prod-us").state()).isEqualTo(PlaneState.SUCCEEDED);
    assertThat(plane(report.status(), "staging").state()).isEqualTo(PlaneState.ENDED);
  }

  @Test
  void resumeOfAFleetTerminatedInItsSecondWaveUpgradesOnlyThePlanesNotDone() {
    fleet.start("staging", "prod-us", "prod-eu");
    ObjectNode request = fleet.request("0.11.3", stagingThenProd());
    request.put("soak", "1s").put("approval", "per-wave");
    ((ObjectNode) request.get("waves").get(1)).put("concurrency", 1);
    GlooMeshFleetWorkflow first = fleet.start(request);
    awaitFleet(first, s -> waiting(s, "staging"));
    first.approveWave(new WaveApproval("staging", "carol", "CHG-1"));
    FleetStatus atProd = awaitFleet(first, s -> waiting(s, "prod-us"));
    String prodUsRun = plane(atProd, "prod-us").runId();
    String firstRun = WorkflowStub.fromTyped(first).getExecution().getRunId();
    WorkflowStub.fromTyped(first).terminate("the fleet's worker host is being replaced");

    // What `gmu fleet resume` reads: the request the run started with, and the waves it soaked.
    FleetProgress progress = FleetMemo.progress(fleet.client(), SimulatedFleet.FLEET_ID, firstRun);
    assertThat(progress.soakedWaves()).containsExactly("staging");
    JsonNode asStarted =
        EarlierRun.find(fleet.client(), SimulatedFleet.FLEET_ID, firstRun)
            .orElseThrow()
            .requestAsStarted(fleet.client());
    long resumedAt = PodCreations.nextSequence(journal("staging"));
    GlooMeshFleetWorkflow resumed =
        fleet.start(asStarted, new FleetResume(firstRun, progress.soakedWaves()));

    FleetStatus followed = awaitFleet(resumed, s -> waiting(s, "prod-us"));
    assertThat(followed.resumedFrom()).isEqualTo(firstRun);
    assertThat(followed.waves().get(0).state()).isEqualTo(WaveState.SKIPPED);
    assertThat(plane(followed, "staging").state()).isEqualTo(PlaneState.ALREADY_UPGRADED);
    assertThat(plane(followed, "prod-us").runId())
        .as("the run the terminated fleet started, followed, not started again")
        .isEqualTo(prodUsRun);
    assertThat(plane(followed, "prod-eu").state()).isEqualTo(PlaneState.PENDING);
    resumed.approveWave(new WaveApproval("prod", "carol", "CHG-2"));
    FleetReport report = result(resumed);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(FleetState.SUCCEEDED);
    assertThat(report.summary())
        .contains("3 of 3 planes at 0.11.3")
        .contains("(1 upgraded before this run)");
    assertThat(plane(report.status(), "prod-us").runId()).isEqualTo(prodUsRun);
    assertThat(plane(report.status(), "prod-eu").state()).isEqualTo(PlaneState.SUCCEEDED);
    assertThat(
            fleet
                .client()
                .newUntypedWorkflowStub(UpgradeNames.workflowId("prod-us"))
                .getResult(UpgradeReport.class)
                .approval()
                .by())
        .isEqualTo("carol");
    assertThat(journal("staging").mutating())
        .as("nothing written to staging, upgraded before the resume")
        .noneMatch(c -> c.sequence() >= resumedAt);
  }

  private RequestJournal journal(String context) {
    return fleet.plane(context).journal(context);
  }

  private ConfigurationSnapshot snapshot(String context) {
    return ConfigurationSnapshot.capture(fleet.plane(context).client(context));
  }

  private static void scaleNetworking(KubernetesClient client, int replicas) {
    client
        .apps()
        .deployments()
        .inNamespace("gloo-mesh")
        .withName("networking")
        .edit(
            d -> {
              d.getSpec().setReplicas(replicas);
              return d;
            });
  }

  /** The time of the first event of the type about the plane's child run. */
  private static long childEvent(List<HistoryEvent> events, EventType type, String context) {
    String workflowId = UpgradeNames.workflowId(context);
    return events.stream()
        .filter(e -> e.getEventType() == type)
        .filter(e -> e.toString().contains("\"" + workflowId + "\""))
        .mapToLong(
            e -> e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no %s for %s".formatted(type, context)));
  }
}
