package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Path;
import java.time.Duration;
import org.gloomeshupgrade.testkit.DevServer;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflowImpl;
import org.gloomeshupgrade.workflow.ReplayableHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What our users type: the Temporal CLI against its dev server (a real Temporal server with a
 * database file), the worker jar as its own process, simulated clusters; and what they live
 * through: a worker killed mid-activity, the server restarted mid-run.
 */
class TemporalCliIT {
  private static final String ID = CliUpgrade.ID;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private CliUpgrade run;
  private DevServer temporal;
  private SimulatedGlooMesh sim;

  @BeforeEach
  void start() throws Exception {
    run = new CliUpgrade(dir);
    temporal = run.temporal;
  }

  @AfterEach
  void stop() throws Exception {
    run.close();
  }

  private void simulate(Duration deploymentDelay) {
    sim = run.simulate(deploymentDelay);
  }

  @Test
  void anUpgradeStartedQueriedAndApprovedWithTheTemporalCliEndsGreenAndItsShownHistoryReplays()
      throws Exception {
    simulate(Duration.ofMillis(100));
    try (WorkerProcess worker = run.startWorker()) {
      run.start();
      run.awaitState("WAITING_FOR_APPROVAL");
      assertThat(sim.journal("mgmt").replicaChanges("networking"))
          .allSatisfy(c -> assertThat(c.replicas()).isZero());

      String result = run.approveAndAwaitResult();

      assertThat(result).contains("SUCCEEDED").contains("temporal-cli");
      String history = temporal.run(0, "workflow", "show", "--workflow-id", ID, "--output", "json");
      WorkflowReplayer.replayWorkflowExecution(history, GlooMeshUpgradeWorkflowImpl.class);
      run.assertNetworkingStayedAtZeroUntilApproved();
      run.assertConfigurationUnchanged();
    } catch (AssertionError | Exception e) {
      throw run.withLogs(e);
    }
  }

  /**
   * The payload exactly as the Temporal CLI sends {"targetVersion":"0.11.3"} (json/plain), and one
   * it cannot take.
   */
  @Test
  void theCliRawMinimalPayloadStartsARunAndABadOneEndsAtOnceNamingEachField() throws Exception {
    simulate(Duration.ofMillis(100));
    try (WorkerProcess worker = run.startWorker()) {
      run.start(ID, "{\"targetVersion\":\"0.11.3\"}");
      // The request alone is complete: it is read, defaults and all, and the run
      // is under way (here it stops in preflight for a person, as the default
      // CRD source, the public repository, is out of this machine's reach).
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .until(() -> run.status().path("state").asText().equals("NEEDS_ATTENTION"));
      assertThat(run.status().path("targetVersion").asText()).isEqualTo("0.11.3");
      assertThat(run.status().path("managementContext").asText()).isEqualTo("mgmt");
      temporal.run(0, "workflow", "terminate", "--workflow-id", ID, "--reason", "test over");

      String other = ID + "-unknown-field";
      run.start(
          other,
          """
          {"targetVersion":"0.11.3","colour":"blue","discoverySettleWindow":"0s",\
          "networkingDeployment":"discovery",\
          "chart":"https://ci:s3cret@charts.example.com/gloo-mesh"}""");
      JsonNode events =
          JSON.readTree(
                  await()
                      .atMost(Duration.ofSeconds(30))
                      .pollInterval(Duration.ofSeconds(1))
                      .until(
                          () ->
                              temporal.run(
                                  0,
                                  "workflow",
                                  "show",
                                  "--workflow-id",
                                  other,
                                  "--output",
                                  "json"),
                          shown -> shown.contains("EVENT_TYPE_WORKFLOW_EXECUTION_FAILED")))
              .path("events");
      JsonNode failed =
          events
              .get(events.size() - 1)
              .path("workflowExecutionFailedEventAttributes")
              .path("failure");
      assertThat(failed.path("message").asText())
          .contains("unknown field \"colour\"")
          .contains("discoverySettleWindow: 0s is shorter than discoveryPollInterval")
          .contains("networkingDeployment: \"discovery\" is also discoveryDeployment")
          .contains("chart: a URL with credentials is refused (https://***@charts.example.com/")
          .doesNotContain("s3cret");
      assertThat(failed.path("applicationFailureInfo").path("type").asText())
          .isEqualTo("InvalidRequest");
      assertThat(events.toString())
          .as("no activity ran")
          .doesNotContain("EVENT_TYPE_ACTIVITY_TASK_SCHEDULED");
      for (String cluster : sim.clusters()) {
        assertThat(sim.journal(cluster).mutating()).as(cluster).isEmpty();
      }
    } catch (AssertionError | Exception e) {
      throw run.withLogs(e);
    }
  }

  @Test
  void aWorkerKilledInTheMiddleOfAnActivityIsReplacedAndTheRunEndsGreen() throws Exception {
    // Slow pods make the scale-down activity wait long enough to be killed in the middle of it.
    simulate(Duration.ofSeconds(4));
    try {
      WorkerProcess first = run.startWorker();
      run.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !sim.journal("mgmt").replicaChanges("networking").isEmpty());
      first.kill();

      try (WorkerProcess second = run.startWorker()) {
        run.awaitState("WAITING_FOR_APPROVAL");
        String result = run.approveAndAwaitResult();

        assertThat(result).contains("SUCCEEDED");
        run.assertNetworkingStayedAtZeroUntilApproved();
        run.assertConfigurationUnchanged();
        String history =
            temporal.run(0, "workflow", "show", "--workflow-id", ID, "--output", "json");
        assertThat(history).as("the killed attempt was retried").contains("\"attempt\": 2");
      }
    } catch (AssertionError | Exception e) {
      throw run.withLogs(e);
    }
  }

  @Test
  void theServerRestartedOnTheSameDatabaseInTheMiddleOfARunCarriesOn() throws Exception {
    simulate(Duration.ofMillis(100));
    try (WorkerProcess worker = run.startWorker()) {
      run.start();
      run.awaitState("WAITING_FOR_APPROVAL");

      temporal.stop();
      temporal.start();
      run.awaitState("WAITING_FOR_APPROVAL");
      String result = run.approveAndAwaitResult();

      assertThat(result).contains("SUCCEEDED");
      run.assertNetworkingStayedAtZeroUntilApproved();
      run.assertConfigurationUnchanged();
    } catch (AssertionError | Exception e) {
      throw run.withLogs(e);
    }
  }

  @Test
  void aResetToBeforeAFailedStepRunsItAgainOnceTheCauseIsFixedAndEndsGreen() throws Exception {
    simulate(Duration.ofMillis(100));
    sim.faults("mgmt")
        .failNext("DELETE", ".*/apis/discovery\\.mesh\\.gloo\\.solo\\.io/.*", 403, 1000);
    try (WorkerProcess worker = run.startWorker()) {
      run.start();
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .until(
              () ->
                  run.status().path("state").asText().equals("NEEDS_ATTENTION")
                      && run.status().path("currentStep").asText().equals("DELETE_DISCOVERY"));

      // The cause is fixed; the run goes back to the workflow task that scheduled the failed step.
      sim.faults("mgmt").clear();
      JsonNode events =
          JSON.readTree(
                  temporal.run(0, "workflow", "show", "--workflow-id", ID, "--output", "json"))
              .path("events");
      // A reset goes to the completion of a workflow task: the last one before the failed
      // step was scheduled (the run's search-attribute upserts may stand between the two).
      long lastTaskCompleted = 0;
      long resetTo = 0;
      for (JsonNode e : events) {
        if (e.path("eventType").asText().equals("EVENT_TYPE_WORKFLOW_TASK_COMPLETED")) {
          lastTaskCompleted = e.path("eventId").asLong();
        }
        if (e.path("activityTaskScheduledEventAttributes")
            .path("activityType")
            .path("name")
            .asText()
            .equals("DeleteDiscoveryResources")) {
          resetTo = lastTaskCompleted;
          break;
        }
      }
      assertThat(resetTo).isPositive();
      temporal.run(
          0,
          "workflow",
          "reset",
          "--workflow-id",
          ID,
          "--event-id",
          String.valueOf(resetTo),
          "--reason",
          "RBAC fixed, run the discovery delete again");

      run.awaitState("WAITING_FOR_APPROVAL");
      JsonNode afterReset = run.status();
      assertThat(afterReset.path("decisions")).isEmpty();
      assertThat(
              sim.journal("mgmt").mutating().stream()
                  .filter(c -> c.method().equals("DELETE") && c.responseCode() == 200))
          .as("the discovery delete ran again after the reset, and this time it was allowed")
          .isNotEmpty();
      String result = run.approveAndAwaitResult();

      assertThat(result).contains("SUCCEEDED");
      run.assertNetworkingStayedAtZeroUntilApproved();
      run.assertConfigurationUnchanged();
    } catch (AssertionError | Exception e) {
      throw run.withLogs(e);
    }
  }

  @Test
  void aRunTerminatedWithTheTemporalCliIsCarriedOnByARunStartedWithResumeFromAndEndsGreen()
      throws Exception {
    simulate(Duration.ofMillis(100));
    try (WorkerProcess worker = run.startWorker()) {
      run.start();
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> run.status().path("currentStep").asText().equals("SCALE_DOWN"));
      // Once past preflight the remote clusters answer
      // 503 to everything: step 7 stops for a person.
      sim.remoteClusters().forEach(c -> sim.faults(c).failNext("*", ".*", 503, 1_000_000));
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .until(
              () ->
                  run.status().path("state").asText().equals("NEEDS_ATTENTION")
                      && run.status().path("currentStep").asText().equals("REREGISTER"));
      temporal.run(
          0, "workflow", "terminate", "--workflow-id", ID, "--reason", "remote API servers down");
      JsonNode described =
          JSON.readTree(
              temporal.run(0, "workflow", "describe", "--workflow-id", ID, "--output", "json"));
      String firstRun =
          described.path("workflowExecutionInfo").path("execution").path("runId").asText();
      assertThat(firstRun).isNotBlank();
      assertThat(described.toString())
          .as("the resume point, kept in the terminated run's memo")
          .contains("resumePoint");
      String terminatedHistory =
          temporal.run(
              0, "workflow", "show", "--workflow-id", ID, "--run-id", firstRun, "--output", "json");

      sim.remoteClusters().forEach(c -> sim.faults(c).clear());
      sim.journal("mgmt").clear();
      var resuming = run.request();
      resuming.putObject("resumeFrom").put("workflowId", ID).put("runId", firstRun);
      run.start(resuming);
      run.awaitState("WAITING_FOR_APPROVAL");
      assertThat(run.status().path("resumedFrom").asText()).isEqualTo(ID + "/" + firstRun);
      String result = run.approveAndAwaitResult();

      assertThat(result)
          .contains("SUCCEEDED")
          .contains(
              "carrying on run " + ID + "/" + firstRun + " (not done again: steps 2, 3, 4, 5)");
      assertThat(sim.journal("mgmt").mutating())
          .as("no CRD, discovery delete or scale-down by the run that carried the first one on")
          .noneMatch(c -> c.path().contains("/apis/apiextensions.k8s.io/"))
          .noneMatch(
              c ->
                  c.method().equals("DELETE")
                      && c.path().contains("/apis/discovery.mesh.gloo.solo.io/"));
      assertThat(sim.journal("mgmt").replicaChanges("networking"))
          .allSatisfy(c -> assertThat(c.replicas()).isEqualTo(1));
      WorkflowReplayer.replayWorkflowExecution(
          ReplayableHistory.of(WorkflowExecutionHistory.fromJson(terminatedHistory)),
          GlooMeshUpgradeWorkflowImpl.class);
      WorkflowReplayer.replayWorkflowExecution(
          temporal.run(0, "workflow", "show", "--workflow-id", ID, "--output", "json"),
          GlooMeshUpgradeWorkflowImpl.class);
      run.assertConfigurationUnchanged();
    } catch (AssertionError | Exception e) {
      throw run.withLogs(e);
    }
  }
}
