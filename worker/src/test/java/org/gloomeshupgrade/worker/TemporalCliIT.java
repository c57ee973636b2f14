package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflowImpl;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What our users type: the Temporal CLI against its dev server (a real Temporal server with a
 * database file), with the worker jar as its own process and simulated clusters.
 */
class TemporalCliIT {
  private static final Path WORKER_JAR = Path.of("target", "gloo-mesh-upgrade-worker-all.jar");
  private static final String ID = "gloo-mesh-upgrade-mgmt";
  private static final ObjectMapper JSON = new ObjectMapper();

  private String address;
  private Path temporal;

  @Test
  void anUpgradeStartedQueriedAndApprovedWithTheTemporalCliEndsGreenAndItsShownHistoryReplays(@TempDir Path dir)
      throws Exception {
    temporal = temporalCli();
    int port = freePort();
    address = "127.0.0.1:" + port;
    Path serverLog = dir.resolve("server.log");
    Path workerLog = dir.resolve("worker.log");
    Process server = new ProcessBuilder(temporal.toString(), "server", "start-dev", "--ip", "127.0.0.1",
        "--port", String.valueOf(port), "--headless", "--db-filename", dir.resolve("temporal.db").toString(),
        "--log-level", "warn").redirectErrorStream(true).redirectOutput(serverLog.toFile()).start();
    Process worker = null;
    try (SimulatedGlooMesh sim = SimulatedGlooMesh.builder().deploymentDelay(Duration.ofMillis(100))
        .discoveryDelay(Duration.ofMillis(300)).build()) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> cli(0, "operator", "cluster", "health").contains("SERVING"));
      worker = new ProcessBuilder(WorkerProcessIT.javaBinary(), "-jar", WORKER_JAR.toString(),
          "--temporal-address", address, "--kubeconfig", sim.kubeconfig().toString(), "--context", "mgmt")
          .redirectErrorStream(true).redirectOutput(workerLog.toFile()).start();

      String request = sim.upgradeRequest("0.11.3").put("discoveryPollInterval", "200ms")
          .put("discoverySettleWindow", "2s").put("discoveryTimeout", "30s").toString();
      cli(0, "workflow", "start", "--type", "GlooMeshUpgrade", "--task-queue", "gloo-mesh-upgrade",
          "--workflow-id", ID, "--input", request);

      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
          .until(() -> status().path("state").asText().equals("WAITING_FOR_APPROVAL"));
      assertThat(sim.journal("mgmt").replicaChanges("networking")).allSatisfy(c -> assertThat(c.replicas()).isZero());

      cli(0, "workflow", "signal", "--workflow-id", ID, "--name", "approve",
          "--input", "{\"by\":\"temporal-cli\",\"reason\":\"approved from the Temporal CLI\"}");
      String result = cli(0, "workflow", "result", "--workflow-id", ID, "--output", "json");
      assertThat(result).contains("SUCCEEDED").contains("temporal-cli");

      String history = cli(0, "workflow", "show", "--workflow-id", ID, "--output", "json");
      WorkflowReplayer.replayWorkflowExecution(history, GlooMeshUpgradeWorkflowImpl.class);
    } catch (AssertionError | Exception e) {
      throw new AssertionError(e.getMessage() + "\n--- worker log tail:\n" + tail(workerLog) + "\n--- server log tail:\n"
          + tail(serverLog), e);
    } finally {
      if (worker != null) {
        worker.destroy();
        worker.waitFor(45, TimeUnit.SECONDS);
        worker.destroyForcibly();
      }
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private JsonNode status() throws Exception {
    JsonNode answer = JSON.readTree(cli(0, "workflow", "query", "--workflow-id", ID, "--type", "status",
        "--output", "json"));
    // `temporal workflow query -o json` wraps the query result: {"queryResult":[{...}]}
    JsonNode result = answer.path("queryResult");
    return result.isArray() ? result.get(0) : answer;
  }

  private String cli(int expectedExit, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(temporal.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--address", address));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + output).isEqualTo(expectedExit);
    return output;
  }

  /** The Temporal CLI that scripts/install-temporal-cli.sh installs (.ci/run passes it in GMU_TEMPORAL_CLI). */
  private static Path temporalCli() {
    String given = System.getenv("GMU_TEMPORAL_CLI");
    Path cli = given != null && !given.isBlank() ? Path.of(given)
        : Path.of(System.getProperty("user.home"), ".cache", "gloo-mesh-upgrade", "tools", "bin", "temporal");
    Assumptions.assumeTrue(Files.isExecutable(cli),
        "no Temporal CLI at " + cli + ": run scripts/install-temporal-cli.sh (.ci/run does) to run this test");
    return cli;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
