package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.gloomeshupgrade.testkit.ClusterCertificates;
import org.gloomeshupgrade.testkit.DevServer;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.TemporalTlsProxy;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gmu jar, as its own process, starts, approves and watches an upgrade to green through a TLS
 * endpoint that requires a client certificate, and through one that requires an API key, while the
 * worker jar runs the upgrade through the same endpoint; both are told the way only by Temporal's
 * {@code TEMPORAL_*} variables or a {@code temporal.toml} profile. Wrong credentials are refused in
 * the words the worker uses.
 */
class GmuSecureTemporalIT {
  private static final String KEY = "gmu-test-api-key-4711";

  @TempDir static Path dir;

  private static DevServer temporal;
  private static ClusterCertificates certificates;

  @BeforeAll
  static void start() throws Exception {
    assertThat(GmuProcess.JAR).as("built by mvn package").exists();
    assertThat(WorkerProcess.JAR).as("built by the worker module's mvn package").exists();
    temporal = new DevServer(dir).start();
    certificates = ClusterCertificates.create(dir.resolve("tls"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
  }

  private static Map<String, String> mtls(TemporalTlsProxy proxy) {
    return Map.of(
        "TEMPORAL_ADDRESS", proxy.address(),
        "TEMPORAL_TLS_CLIENT_CERT_PATH", certificates.clientCertificate().toString(),
        "TEMPORAL_TLS_CLIENT_KEY_PATH", certificates.clientKey().toString(),
        "TEMPORAL_TLS_SERVER_CA_CERT_PATH", certificates.ca().toString());
  }

  private static Map<String, String> apiKey(TemporalTlsProxy proxy, String key) {
    return Map.of(
        "TEMPORAL_ADDRESS", proxy.address(),
        "TEMPORAL_API_KEY", key,
        "TEMPORAL_TLS_SERVER_CA_CERT_PATH", certificates.ca().toString());
  }

  @Test
  void gmuRunsAnUpgradeToGreenThroughAnEndpointThatRequiresAClientCertificate() throws Exception {
    try (TemporalTlsProxy proxy =
        TemporalTlsProxy.requiringClientCertificate(temporal.address(), certificates)) {
      String printed = upgradeThrough(mtls(proxy), "mtls");

      assertThat(printed).contains("finished: SUCCEEDED");
    }
  }

  @Test
  void gmuRunsAnUpgradeToGreenThroughAnEndpointThatRequiresAnApiKey() throws Exception {
    try (TemporalTlsProxy proxy =
        TemporalTlsProxy.requiringApiKey(temporal.address(), certificates, KEY)) {
      String printed = upgradeThrough(apiKey(proxy, KEY), "api-key");

      assertThat(printed).contains("finished: SUCCEEDED").doesNotContain(KEY);
      assertThat(proxy.refused()).isZero();
    }
  }

  @Test
  void aProfileFileAloneTellsGmuAndTheWorkerTheWay() throws Exception {
    try (TemporalTlsProxy proxy =
        TemporalTlsProxy.requiringApiKey(temporal.address(), certificates, KEY)) {
      Path toml =
          Files.writeString(
              dir.resolve("temporal.toml"),
              """
              [profile.secure]
              address = "%s"
              api_key = "%s"
              [profile.secure.tls]
              server_ca_cert_path = "%s"
              """
                  .formatted(proxy.address(), KEY, certificates.ca()));

      String printed =
          upgradeThrough(
              Map.of("TEMPORAL_CONFIG_FILE", toml.toString(), "TEMPORAL_PROFILE", "secure"),
              "profile");

      assertThat(printed).contains("finished: SUCCEEDED").doesNotContain(KEY);
      assertThat(proxy.refused()).isZero();
    }
  }

  @Test
  void aWrongApiKeyIsRefusedNamingTheCredentialsNotTheKey() throws Exception {
    try (TemporalTlsProxy proxy =
        TemporalTlsProxy.requiringApiKey(temporal.address(), certificates, KEY)) {
      GmuRun status =
          GmuProcess.run(apiKey(proxy, "not-the-key-0815"), "status", "-w", workflowId("any"));

      assertThat(status.exit()).isNotZero();
      assertThat(status.err())
          .contains("Temporal refused the credentials: check the API key")
          .doesNotContain("not-the-key-0815");
      assertThat(proxy.refused()).isPositive();
    }
  }

  @Test
  void aMissingClientCertificateIsRefusedNamingTheHandshakeAndTheCertificate() throws Exception {
    try (TemporalTlsProxy proxy =
        TemporalTlsProxy.requiringClientCertificate(temporal.address(), certificates)) {
      GmuRun status =
          GmuProcess.run(
              Map.of(
                  "TEMPORAL_ADDRESS", proxy.address(),
                  "TEMPORAL_TLS_SERVER_CA_CERT_PATH", certificates.ca().toString()),
              "status",
              "-w",
              workflowId("any"));

      assertThat(status.exit()).isNotZero();
      assertThat(status.err())
          .contains("the TLS handshake failed")
          .contains("CERTIFICATE_REQUIRED")
          .contains("the client certificate");
    }
  }

  /** A workflow ID of its own for each test, so that a run one leaves open cannot block another. */
  private static String workflowId(String test) {
    return UpgradeNames.workflowId("mgmt") + "-" + test;
  }

  /**
   * The worker jar over simulated clusters, and gmu, both with this environment alone: gmu starts
   * an upgrade that asks for approval, watches it to the gate, approves it as a second person,
   * watches it to the end and shows its status. What gmu printed.
   */
  private String upgradeThrough(Map<String, String> env, String test) throws Exception {
    String id = workflowId(test);
    Path log = Files.createTempFile(dir, "worker", ".log");
    try (SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder()
                .deploymentDelay(Duration.ofMillis(100))
                .discoveryDelay(Duration.ofMillis(300))
                .build();
        WorkerProcess worker = WorkerProcess.start(env, sim, log)) {
      Path request =
          Files.writeString(
              Files.createTempFile(dir, "request", ".json"),
              sim.quickUpgradeRequest("0.11.3").toString());
      StringBuilder printed = new StringBuilder();
      try {
        GmuRun started = gmu(env, printed, "start", "--input", request.toString(), "-w", id);
        assertThat(started.exit()).isZero();
        assertThat(started.out()).contains("started upgrade to 0.11.3: workflow " + id);

        GmuRun atTheGate = gmu(env, printed, "watch", "-w", id, "--interval", "500ms");
        assertThat(atTheGate.exit()).isEqualTo(2);
        assertThat(atTheGate.out()).contains("the run waits for a person (WAITING_FOR_APPROVAL)");

        GmuRun approved =
            gmu(env, printed, "approve", "-w", id, "--reason", "CHG-4711", "--by", "approver");
        assertThat(approved.exit()).isZero();

        GmuRun finished = gmu(env, printed, "watch", "-w", id, "--interval", "500ms");
        assertThat(finished.exit()).isZero();

        GmuRun status = gmu(env, printed, "status", "-w", id);
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("workflow " + id).contains("SUCCEEDED");
      } catch (AssertionError e) {
        throw new AssertionError(
            "%s%n--- gmu printed:%n%s%n--- worker log tail:%n%s"
                .formatted(e.getMessage(), printed, DevServer.tail(log)),
            e);
      }
      return printed.toString();
    }
  }

  /** Runs gmu and keeps what it printed, to read when a later step fails. */
  private static GmuRun gmu(Map<String, String> env, StringBuilder printed, String... args)
      throws Exception {
    GmuRun run = GmuProcess.run(env, args);
    printed.append(
        "$ gmu %s (exit %d)%n%s%s"
            .formatted(String.join(" ", args), run.exit(), run.out(), run.err()));
    return run;
  }
}
