package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.DevServer;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator does in the Temporal web UI, in headless Chromium: an upgrade started from the
 * UI's start-workflow form, followed on its page (summary, status query), approved from its
 * send-a-signal dialog, seen to complete; against `temporal server start-dev` with its UI, the
 * worker jar as its own process and simulated clusters. Screenshots of each stage are left in
 * target/ui-screenshots.
 */
class TemporalUiIT {
  private static final String ID = "gloo-mesh-upgrade-mgmt";
  private static final String APPROVER = "temporal-web-ui";
  private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void anUpgradeStartedFollowedAndApprovedInTheWebUiEndsGreen() throws Exception {
    UiScript script = UiScript.installed("upgrade-in-the-ui.mjs");
    emptyScreenshots();
    try (DevServer temporal = new DevServer(dir).withUi().start();
        SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder()
                .deploymentDelay(Duration.ofMillis(100))
                .discoveryDelay(Duration.ofMillis(300))
                .build();
        WorkerProcess worker =
            WorkerProcess.start(temporal.address(), sim, dir.resolve("worker.log"))) {
      ConfigurationSnapshot configurationBefore = ConfigurationSnapshot.capture(sim.client("mgmt"));
      String request = sim.quickUpgradeRequest("0.11.3").toString();

      int exit =
          script.run(
              Map.of(
                  "GMU_UI_URL",
                  temporal.uiUrl(),
                  "GMU_UPGRADE_INPUT",
                  request,
                  "GMU_WORKFLOW_ID",
                  ID,
                  "GMU_APPROVED_BY",
                  APPROVER,
                  "GMU_SCREENSHOTS",
                  SCREENSHOTS.toString()),
              scriptLog(),
              Duration.ofMinutes(5));
      System.out.println(
          Files.readString(scriptLog())); // each stage and its time, in the failsafe report

      assertThat(exit)
          .as(
              "the UI script failed (screenshots in %s)\n%s\n--- worker log tail:\n%s\n"
                  + "--- server log tail:\n%s",
              SCREENSHOTS,
              DevServer.tail(scriptLog()),
              DevServer.tail(dir.resolve("worker.log")),
              DevServer.tail(temporal.log()))
          .isZero();
      // What the UI showed is what the server holds: the run
      // the UI started, completed, approved from the UI.
      JsonNode described =
          JSON.readTree(
              temporal.run(0, "workflow", "describe", "--workflow-id", ID, "--output", "json"));
      assertThat(described.at("/workflowExecutionInfo/status").asText())
          .isEqualTo("WORKFLOW_EXECUTION_STATUS_COMPLETED");
      assertThat(described.at("/workflowExecutionInfo/type/name").asText())
          .isEqualTo("GlooMeshUpgrade");
      assertThat(described.at("/result/outcome").asText()).isEqualTo("SUCCEEDED");
      assertThat(described.at("/result/approval/by").asText()).isEqualTo(APPROVER);
      var networking = sim.journal("mgmt").replicaChanges("networking");
      assertThat(networking)
          .as("networking scaled to 0, then back up")
          .hasSizeGreaterThanOrEqualTo(2);
      assertThat(networking.get(0).replicas()).isZero();
      assertThat(networking.get(networking.size() - 1).replicas()).isPositive();
      assertThat(SCREENSHOTS.resolve("07-completed.png")).exists();
      ConfigurationSnapshot.assertUnchanged(
          configurationBefore, ConfigurationSnapshot.capture(sim.client("mgmt")));
    }
  }

  private Path scriptLog() {
    return dir.resolve("ui-script.log");
  }

  /** Screenshots of an earlier run must not pass for this one's. */
  private static void emptyScreenshots() throws Exception {
    if (Files.isDirectory(SCREENSHOTS)) {
      try (Stream<Path> old = Files.walk(SCREENSHOTS)) {
        old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(SCREENSHOTS);
  }
}
