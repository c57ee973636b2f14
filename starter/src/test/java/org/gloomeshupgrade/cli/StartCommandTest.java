package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.GmuRun.gmu;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import org.gloomeshupgrade.testkit.LocalTemporalServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `gmu start` against a local Temporal server with no worker: what it sends, and what it refuses.
 */
class StartCommandTest {
  private static LocalTemporalServer temporal;

  @BeforeAll
  static void startTemporal() {
    temporal = LocalTemporalServer.start(0);
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  @Test
  void startsOneRunPerManagementContextWithExactlyTheFieldsGiven() throws Exception {
    GmuRun first =
        gmu(
            "start",
            "--address",
            temporal.address(),
            "--context",
            "east",
            "-t",
            "0.11.3",
            "--discovery-timeout",
            "45m");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).contains("started upgrade to 0.11.3: workflow gloo-mesh-upgrade-east");

    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
    try {
      WorkflowClient client =
          WorkflowClient.newInstance(
              service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
      var started =
          client
              .fetchHistory("gloo-mesh-upgrade-east")
              .getEvents()
              .get(0)
              .getWorkflowExecutionStartedEventAttributes();
      assertThat(started.getWorkflowType().getName()).isEqualTo("GlooMeshUpgrade");
      assertThat(started.getTaskQueue().getName()).isEqualTo("gloo-mesh-upgrade");
      JsonNode input =
          DefaultDataConverter.newDefaultInstance()
              .fromPayload(started.getInput().getPayloads(0), JsonNode.class, JsonNode.class);
      assertThat(input.toString())
          .isEqualTo(
              "{\"targetVersion\":\"0.11.3\",\"managementContext\":\"east\",\"discoveryTimeout\":\"45m\","
                  + "\"requestedBy\":\""
                  + System.getProperty("user.name")
                  + "\"}");
    } finally {
      service.shutdown();
    }

    GmuRun second =
        gmu("start", "--address", temporal.address(), "--context", "east", "-t", "0.11.3");
    assertThat(second.exit()).isEqualTo(3);
    assertThat(second.err())
        .contains("an upgrade is already running as workflow gloo-mesh-upgrade-east");
  }

  @Test
  void aBadRequestNeverReachesTemporal() {
    GmuRun bad =
        gmu(
            "start",
            "--address",
            "127.0.0.1:1",
            "--context",
            "west",
            "-t",
            "0.11.3",
            "--install-method",
            "kubectl");

    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err())
        .contains("installMethod: \"kubectl\" is not one of helm, manifests, meshctl");
  }

  @Test
  void theRequestLimitsHoldInGmuStartToo() {
    GmuRun bad =
        gmu(
            "start",
            "--address",
            "127.0.0.1:1",
            "--context",
            "west",
            "-t",
            "0.11.3-" + "a".repeat(100),
            "--discovery-settle-window",
            "0s");

    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err())
        .contains("targetVersion: 107 characters")
        .contains("discoverySettleWindow: 0s is shorter than discoveryPollInterval (15s)");
  }

  @Test
  void aChartUrlWithCredentialsIsRefusedByGmuStartWithoutPrintingThem() {
    GmuRun bad =
        gmu(
            "start",
            "--address",
            "127.0.0.1:1",
            "--context",
            "west",
            "-t",
            "0.11.3",
            "--chart",
            "https://ci:s3cret@charts.example.com/gloo-mesh",
            "--helm-values",
            "https://values.example.com/prod.yaml");

    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err())
        .contains("chart: a URL with credentials is refused (https://***@charts.example.com/")
        .contains("helmValuesFiles[0]: must be a path on the worker")
        .doesNotContain("s3cret");
  }

  @Test
  void statusOfAnUnknownRunSaysSo() {
    GmuRun status = gmu("status", "--address", temporal.address(), "-w", "no-such-upgrade");

    assertThat(status.exit()).isEqualTo(1);
    assertThat(status.err()).contains("error: no such upgrade run");
  }
}
