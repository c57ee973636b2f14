package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gloomeshupgrade.metrics.WorkerEndpoints;
import org.gloomeshupgrade.testkit.ClusterCertificates;
import org.gloomeshupgrade.testkit.DevServer;
import org.gloomeshupgrade.testkit.FreePort;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.TemporalTlsProxy;
import org.gloomeshupgrade.testkit.UpgradeRuns;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker jar as Prometheus and Kubernetes see it: {@code /livez} answers while it starts,
 * {@code /readyz} only once it polls, and a scrape during an upgrade shows the SDK's metrics and
 * the run's own (its step, its open approval gate and how long that has waited, the overdue
 * approval), then how the run ended.
 */
class WorkerMetricsIT {
  private static final String KEY = "gmu-metrics-api-key-1234";
  private static final String ID = UpgradeNames.workflowId("mgmt");
  private static final Path DASHBOARD =
      Path.of("..", "deploy", "grafana", "gloo-mesh-upgrade-dashboard.json");
  private static final Pattern METRIC =
      Pattern.compile("\\b(gloo_mesh_upgrade|temporal|jvm)_[a-z_]+");

  @TempDir static Path dir;

  private static DevServer temporal;
  private static ClusterCertificates certificates;

  @BeforeAll
  static void start() throws Exception {
    temporal = new DevServer(dir).start();
    certificates = ClusterCertificates.create(dir.resolve("tls"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
  }

  @Test
  void readyOnlyOncePollingThenTheScrapeShowsTheStepTheOpenGateAndItsWait() throws Exception {
    Path log = Files.createTempFile(dir, "worker", ".log");
    int port = FreePort.pick();
    Scrapes http = new Scrapes(port);
    try (TemporalTlsProxy proxy =
            TemporalTlsProxy.requiringApiKey(temporal.address(), certificates, KEY);
        SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder()
                .deploymentDelay(Duration.ofMillis(100))
                .discoveryDelay(Duration.ofMillis(300))
                .build()) {
      proxy.hold();
      try (WorkerProcess worker =
          WorkerProcess.start(
              Map.of(
                  "TEMPORAL_ADDRESS", proxy.address(),
                  "TEMPORAL_API_KEY", KEY,
                  "TEMPORAL_TLS_SERVER_CA_CERT_PATH", certificates.ca().toString()),
              sim,
              log,
              "--metrics-port",
              String.valueOf(port))) {
        await("/livez while Temporal does not answer; log: " + log)
            .atMost(Duration.ofSeconds(60))
            .until(() -> http.status(WorkerEndpoints.LIVE) == 200);
        Scrapes.Answer notYet = http.get(WorkerEndpoints.READY);
        assertThat(notYet.status()).isEqualTo(503);
        assertThat(notYet.body()).contains("connecting to Temporal");

        proxy.release();
        await("/readyz once polling; log: " + log)
            .atMost(Duration.ofSeconds(60))
            .until(() -> http.status(WorkerEndpoints.READY) == 200);
        assertThat(Files.readString(log)).contains("worker: polling task queue");

        upgradeWatchedByScrapes(sim, http);
      }
    }
  }

  private void upgradeWatchedByScrapes(SimulatedGlooMesh sim, Scrapes http) throws Exception {
    GlooMeshUpgradeWorkflow wf =
        UpgradeRuns.start(
            temporal.client(), ID, sim.quickUpgradeRequest("0.11.3").put("approvalReminder", "3s"));
    await("the approval gate")
        .atMost(Duration.ofSeconds(120))
        .until(() -> wf.status().state() == RunState.WAITING_FOR_APPROVAL);
    String gate = wf.status().gate();
    Map<String, String> atGate = Map.of("workflow_id", ID, "gate", gate, "kind", "approval");

    // The gauges come from the worker's own reads, the counters from the workflow's metrics scope,
    // which the SDK reports every few seconds: wait for both sources to have seen the overdue gate.
    // The overdue counter is the run's latest, so once it is reported so are the earlier ones.
    await("the run's step, gate and overdue approval in /metrics")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Scrapes.Metrics now = http.scrape();
              return now.value("gloo_mesh_upgrade_overdue_approvals", Map.of()) == 1
                  && now.value("gloo_mesh_upgrade_approvals_overdue_total", Map.of()) == 1;
            });
    Scrapes.Metrics first = http.scrape();
    assertThat(
            first.value(
                "gloo_mesh_upgrade_run_step", Map.of("workflow_id", ID, "step", "APPROVAL")))
        .isEqualTo(Step.APPROVAL.number());
    assertThat(first.value("gloo_mesh_upgrade_runs", Map.of("state", "WAITING_FOR_APPROVAL")))
        .isEqualTo(1);
    assertThat(first.value("gloo_mesh_upgrade_approvals_overdue_total", Map.of())).isEqualTo(1);
    double waited = first.value("gloo_mesh_upgrade_gate_wait_seconds", atGate);
    assertThat(waited).isGreaterThanOrEqualTo(3);
    assertThat(first.value("gloo_mesh_upgrade_gates_opened_total", Map.of("kind", "approval")))
        .isEqualTo(1);
    assertThat(
            first.value(
                "gloo_mesh_upgrade_step_duration_seconds_count",
                Map.of("step", "PREFLIGHT", "outcome", "SUCCEEDED")))
        .isEqualTo(1);
    // The SDK's own: long polls, and the workflow tasks this worker ran.
    assertThat(first.names())
        .contains(
            "temporal_long_request_total",
            "temporal_workflow_task_execution_latency_seconds_count");
    await("the wait grows between scrapes")
        .atMost(Duration.ofSeconds(10))
        .until(() -> http.scrape().value("gloo_mesh_upgrade_gate_wait_seconds", atGate) > waited);

    wf.approve(new Approval("alice", "CHG-42", gate));
    UpgradeReport report = WorkflowStub.fromTyped(wf).getResult(UpgradeReport.class);
    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);

    await("the end in /metrics, the gate gone")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Scrapes.Metrics end = http.scrape();
              return end.value("gloo_mesh_upgrade_runs_ended_total", Map.of("state", "SUCCEEDED"))
                      == 1
                  && Double.isNaN(end.value("gloo_mesh_upgrade_gate_wait_seconds", atGate))
                  && end.value("gloo_mesh_upgrade_runs", Map.of("state", "WAITING_FOR_APPROVAL"))
                      == 0;
            });
    UpgradeStatus done = wf.status();
    assertThat(done.gateOpenedAt()).isEmpty();

    Set<String> exported = new TreeSet<>(first.names());
    exported.addAll(http.scrape().names());
    assertThat(exported).as("what the Grafana dashboard queries").containsAll(dashboardMetrics());
  }

  /**
   * Every metric the shipped dashboard queries, but those a green run never makes: retries and
   * failed reads (a counter appears with its first increment).
   */
  private static Set<String> dashboardMetrics() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(dashboard.findValuesAsText("expr").toString());
    while (m.find()) {
      names.add(m.group());
    }
    assertThat(names).contains("gloo_mesh_upgrade_activity_retries_total");
    names.removeAll(
        Set.of(
            "gloo_mesh_upgrade_activity_retries_total",
            "gloo_mesh_upgrade_run_reads_failed_total"));
    return names;
  }
}
