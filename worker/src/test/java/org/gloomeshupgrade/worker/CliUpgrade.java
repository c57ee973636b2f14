package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.DevServer;
import org.gloomeshupgrade.testkit.RecordedCall;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.WorkerProcess;

/**
 * One upgrade as our users drive it from the Temporal CLI: the dev server, simulated clusters, the
 * worker jar as its own process (as many as a test starts), and what a test checks at the end.
 */
final class CliUpgrade implements AutoCloseable {
  static final String ID = "gloo-mesh-upgrade-mgmt";
  private static final ObjectMapper JSON = new ObjectMapper();

  final DevServer temporal;
  private final Path dir;
  private SimulatedGlooMesh sim;
  private ConfigurationSnapshot configurationBefore;
  private long approvalAt;

  CliUpgrade(Path dir) throws Exception {
    this.dir = dir;
    this.temporal = new DevServer(dir).start();
  }

  /** Simulated clusters, and their Gloo Mesh configuration before any run. */
  SimulatedGlooMesh simulate(Duration deploymentDelay) {
    return simulate(
        SimulatedGlooMesh.builder()
            .deploymentDelay(deploymentDelay)
            .discoveryDelay(Duration.ofMillis(300)));
  }

  SimulatedGlooMesh simulate(SimulatedGlooMesh.Builder builder) {
    sim = builder.build();
    configurationBefore = ConfigurationSnapshot.capture(sim.client("mgmt"));
    return sim;
  }

  SimulatedGlooMesh sim() {
    return sim;
  }

  WorkerProcess startWorker() throws IOException {
    return WorkerProcess.start(temporal.address(), sim, workerLog());
  }

  Path workerLog() {
    return dir.resolve("worker.log");
  }

  /** The failure with the tails of the worker's and the server's logs, to read what happened. */
  AssertionError withLogs(Throwable e) {
    return new AssertionError(
        e.getMessage()
            + "\n--- worker log tail:\n"
            + DevServer.tail(workerLog())
            + "\n--- server log tail:\n"
            + DevServer.tail(temporal.log()),
        e);
  }

  ObjectNode request() {
    return sim.quickUpgradeRequest("0.11.3");
  }

  void start() throws Exception {
    start(request());
  }

  void start(JsonNode request) throws Exception {
    start(ID, request.toString());
  }

  /** {@code temporal workflow start} with the input exactly as given, as a person types it. */
  void start(String workflowId, String input) throws Exception {
    temporal.run(
        0,
        "workflow",
        "start",
        "--type",
        "GlooMeshUpgrade",
        "--task-queue",
        "gloo-mesh-upgrade",
        "--workflow-id",
        workflowId,
        "--input",
        input);
  }

  JsonNode status() throws Exception {
    JsonNode answer =
        JSON.readTree(
            temporal.run(
                0,
                "workflow",
                "query",
                "--workflow-id",
                ID,
                "--type",
                "status",
                "--output",
                "json"));
    // `temporal workflow query -o json` wraps the result: {"queryResult":[{...}]}
    JsonNode result = answer.path("queryResult");
    return result.isArray() ? result.get(0) : answer;
  }

  void awaitState(String state) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> status().path("state").asText().equals(state));
  }

  /** The run's history as the Temporal CLI shows it (JSON). */
  String history() throws Exception {
    return temporal.run(0, "workflow", "show", "--workflow-id", ID, "--output", "json");
  }

  String approveAndAwaitResult() throws Exception {
    // Every request numbered below this one reached the server before the approval was sent.
    approvalAt =
        sim.journal("mgmt").all().stream().mapToLong(RecordedCall::sequence).max().orElse(0) + 1;
    // The approval names the gate the status shows open,
    // as a person copying the awaited command would.
    String gate = status().path("gate").asText();
    assertThat(gate).startsWith("approval-");
    temporal.run(
        0,
        "workflow",
        "signal",
        "--workflow-id",
        ID,
        "--name",
        "approve",
        "--input",
        "{\"by\":\"temporal-cli\",\"reason\":\"approved from the Temporal CLI\",\"gate\":\"%s\"}"
            .formatted(gate));
    return temporal.run(0, "workflow", "result", "--workflow-id", ID, "--output", "json");
  }

  /** The first request number after the approval was sent. */
  long approvalAt() {
    return approvalAt;
  }

  void assertNetworkingStayedAtZeroUntilApproved() {
    var changes = sim.journal("mgmt").replicaChanges("networking");
    assertThat(changes).isNotEmpty();
    assertThat(changes.get(0).replicas()).isZero();
    assertThat(changes.stream().filter(c -> c.sequence() < approvalAt))
        .allSatisfy(c -> assertThat(c.replicas()).as("networking before the approval").isZero());
    assertThat(changes.stream().filter(c -> c.sequence() >= approvalAt && c.replicas() > 0))
        .isNotEmpty();
  }

  void assertConfigurationUnchanged() {
    ConfigurationSnapshot.assertUnchanged(
        configurationBefore, ConfigurationSnapshot.capture(sim.client("mgmt")));
  }

  @Override
  public void close() throws Exception {
    if (sim != null) {
      sim.close();
    }
    temporal.close();
  }
}
