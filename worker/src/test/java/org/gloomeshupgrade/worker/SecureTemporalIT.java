package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.testkit.ClusterCertificates;
import org.gloomeshupgrade.testkit.DevServer;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.TemporalTlsProxy;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker jar reaches Temporal through a TLS endpoint that requires a client certificate, and
 * through one that requires an API key, told only by Temporal's own {@code TEMPORAL_*} variables or
 * a {@code temporal.toml} profile; wrong credentials are refused with a message naming them.
 */
class SecureTemporalIT {
  private static final String KEY = "gmu-test-api-key-4711";

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

  private Map<String, String> mtls(TemporalTlsProxy proxy) {
    return Map.of(
        "TEMPORAL_ADDRESS", proxy.address(),
        "TEMPORAL_TLS_CLIENT_CERT_PATH", certificates.clientCertificate().toString(),
        "TEMPORAL_TLS_CLIENT_KEY_PATH", certificates.clientKey().toString(),
        "TEMPORAL_TLS_SERVER_CA_CERT_PATH", certificates.ca().toString());
  }

  @Test
  void anUpgradeRunsToGreenThroughAnEndpointThatRequiresAClientCertificate() throws Exception {
    try (TemporalTlsProxy proxy =
        TemporalTlsProxy.requiringClientCertificate(temporal.address(), certificates)) {
      String log = upgradeThrough(mtls(proxy));

      assertThat(log).contains("on %s namespace default, mTLS".formatted(proxy.address()));
    }
  }

  @Test
  void anUpgradeRunsToGreenThroughAnEndpointThatRequiresAnApiKey() throws Exception {
    try (TemporalTlsProxy proxy =
        TemporalTlsProxy.requiringApiKey(temporal.address(), certificates, KEY)) {
      String log =
          upgradeThrough(
              Map.of(
                  "TEMPORAL_ADDRESS", proxy.address(),
                  "TEMPORAL_API_KEY", KEY,
                  "TEMPORAL_TLS_SERVER_CA_CERT_PATH", certificates.ca().toString()));

      assertThat(log).contains("TLS, API key").doesNotContain(KEY);
      assertThat(proxy.refused()).isZero();
    }
  }

  @Test
  void aProfileFileAloneTellsTheWorkerTheWay() throws Exception {
    try (TemporalTlsProxy proxy =
        TemporalTlsProxy.requiringClientCertificate(temporal.address(), certificates)) {
      Path toml =
          Files.writeString(
              dir.resolve("temporal.toml"),
              """
              [profile.secure]
              address = "%s"
              [profile.secure.tls]
              client_cert_path = "%s"
              client_key_path = "%s"
              server_ca_cert_path = "%s"
              """
                  .formatted(
                      proxy.address(),
                      certificates.clientCertificate(),
                      certificates.clientKey(),
                      certificates.ca()));

      String log =
          upgradeThrough(
              Map.of("TEMPORAL_CONFIG_FILE", toml.toString(), "TEMPORAL_PROFILE", "secure"));

      assertThat(log).contains("on %s namespace default, mTLS".formatted(proxy.address()));
    }
  }

  @Test
  void aWrongApiKeyIsRefusedNamingTheCredentialsNotTheKey() throws Exception {
    try (TemporalTlsProxy proxy =
        TemporalTlsProxy.requiringApiKey(temporal.address(), certificates, KEY)) {
      Refusal refusal =
          refusedWith(
              Map.of(
                  "TEMPORAL_ADDRESS", proxy.address(),
                  "TEMPORAL_API_KEY", "not-the-key-0815",
                  "TEMPORAL_TLS_SERVER_CA_CERT_PATH", certificates.ca().toString()));

      assertThat(refusal.exit()).isEqualTo(3);
      assertThat(refusal.log())
          .contains("Temporal refused the credentials")
          .doesNotContain("not-the-key-0815");
      assertThat(proxy.refused()).isPositive();
    }
  }

  @Test
  void aMissingClientCertificateIsRefusedBeforeAnyUpgrade() throws Exception {
    try (TemporalTlsProxy proxy =
        TemporalTlsProxy.requiringClientCertificate(temporal.address(), certificates)) {
      Refusal refusal =
          refusedWith(
              Map.of(
                  "TEMPORAL_ADDRESS", proxy.address(),
                  "TEMPORAL_TLS_SERVER_CA_CERT_PATH", certificates.ca().toString()));

      assertThat(refusal.exit()).isEqualTo(3);
      assertThat(refusal.log())
          .contains("the TLS handshake failed")
          .contains("CERTIFICATE_REQUIRED")
          .contains("the client certificate")
          .contains("connecting to %s namespace default, TLS".formatted(proxy.address()));
    }
  }

  private record Refusal(int exit, String log) {}

  private Refusal refusedWith(Map<String, String> env) throws Exception {
    Path log = Files.createTempFile(dir, "refused", ".log");
    try (SimulatedGlooMesh sim = SimulatedGlooMesh.builder().build();
        WorkerProcess worker = WorkerProcess.start(env, sim, log)) {
      boolean exited = worker.process().waitFor(60, TimeUnit.SECONDS);
      assertThat(exited).as("the worker gave up; log:%n%s", Files.readString(log)).isTrue();
      return new Refusal(worker.process().exitValue(), Files.readString(log));
    }
  }

  /** Starts the worker jar with this environment and runs an upgrade to its end; its log. */
  private String upgradeThrough(Map<String, String> env) throws Exception {
    Path log = Files.createTempFile(dir, "worker", ".log");
    try (SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder()
                .deploymentDelay(Duration.ofMillis(100))
                .discoveryDelay(Duration.ofMillis(300))
                .build();
        WorkerProcess worker = WorkerProcess.start(env, sim, log)) {
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
      try {
        WorkflowClient client =
            WorkflowClient.newInstance(
                service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
        GlooMeshUpgradeWorkflow wf =
            client.newWorkflowStub(
                GlooMeshUpgradeWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(UpgradeNames.workflowId("mgmt"))
                    .setTaskQueue(UpgradeNames.TASK_QUEUE)
                    .build());
        WorkflowClient.start(
            wf::upgrade, sim.quickUpgradeRequest("0.11.3").put("requireApproval", false));

        UpgradeReport report;
        try {
          report = WorkflowStub.fromTyped(wf).getResult(120, TimeUnit.SECONDS, UpgradeReport.class);
        } catch (RuntimeException e) {
          WorkflowStub.fromTyped(wf).terminate("the test gave up");
          throw new AssertionError(
              "the run did not end; worker log:%n%s".formatted(Files.readString(log)), e);
        }

        assertThat(report.outcome()).as(Files.readString(log)).isEqualTo(RunState.SUCCEEDED);
        return Files.readString(log);
      } finally {
        service.shutdown();
      }
    }
  }
}
