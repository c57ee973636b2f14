package org.gloomeshupgrade.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookMessageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode render(Notifications n, String link) throws IOException {
    return JSON.readTree(WebhookMessage.render(n.build(), link));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void anOpenGateCarriesEveryFieldOfVersionOne() throws IOException {
    Notifications n = Notifications.approvalGate();

    JsonNode body = render(n, "https://temporal.example.com/namespaces/default/x");

    assertThat(fieldNames(body))
        .containsExactly(
            "version",
            "id",
            "event",
            "at",
            "workflowId",
            "runId",
            "cluster",
            "fromVersion",
            "toVersion",
            "step",
            "stepLabel",
            "gate",
            "gateKind",
            "summary",
            "why",
            "commands",
            "report",
            "note",
            "link");
    assertThat(body.path("version").asInt()).isEqualTo(1);
    assertThat(body.path("id").asText()).isEqualTo("gloo-mesh-upgrade-mgmt/5c0ffee0-run/3");
    assertThat(body.path("event").asText()).isEqualTo("gate-opened");
    assertThat(body.path("at").asText()).isEqualTo("2025-12-04T13:46:46.123Z");
    assertThat(body.path("workflowId").asText()).isEqualTo("gloo-mesh-upgrade-mgmt");
    assertThat(body.path("runId").asText()).isEqualTo("5c0ffee0-run");
    assertThat(body.path("cluster").asText()).isEqualTo("mgmt");
    assertThat(body.path("fromVersion").asText()).isEqualTo("0.10.4");
    assertThat(body.path("toVersion").asText()).isEqualTo("0.11.3");
    assertThat(body.path("step").asText()).isEqualTo("APPROVAL");
    assertThat(body.path("stepLabel").asText()).isEqualTo("9 approval");
    assertThat(body.path("gate").asText()).isEqualTo("approval-1f0c2a9e-3");
    assertThat(body.path("gateKind").asText()).isEqualTo("approval");
    assertThat(body.path("summary").asText()).isEqualTo(n.summary);
    assertThat(body.path("why").asText()).isEqualTo(n.why);
    assertThat(JSON.convertValue(body.path("commands"), List.class)).isEqualTo(n.commands);
    assertThat(body.path("report").isObject()).isTrue();
    assertThat(body.path("report").isEmpty()).isTrue();
    assertThat(body.path("note").asText()).isEqualTo("on call: <!subteam^S0MESH>");
    assertThat(body.path("link").asText())
        .isEqualTo("https://temporal.example.com/namespaces/default/x");
  }

  @Test
  void theEndOfARunCarriesItsOutcomeAndReportAndLeavesEmptyStringsOut() throws IOException {
    Notifications n = Notifications.runEnded();
    n.note = "";

    JsonNode body = render(n, "");

    assertThat(body.path("outcome").asText()).isEqualTo("FINISHED_WITH_PROBLEMS");
    assertThat(body.path("report").path("networking accepted").asText()).isEqualTo("YELLOW");
    assertThat(body.path("report").size()).isEqualTo(3);
    assertThat(body.path("commands").isArray()).isTrue();
    assertThat(body.path("commands").isEmpty()).isTrue();
    assertThat(fieldNames(body))
        .doesNotContain("gate", "gateKind", "why", "answeredBy", "answer", "note", "link");
  }

  @Test
  void anAnsweredGateSaysWhoAndWhat() throws IOException {
    JsonNode body = render(Notifications.gateAnswered(), "");

    assertThat(body.path("event").asText()).isEqualTo("gate-answered");
    assertThat(body.path("answeredBy").asText()).isEqualTo("alice");
    assertThat(body.path("answer").asText()).isEqualTo("APPROVED");
  }

  @Test
  void textIsSentAsTheRunWroteIt() throws IOException {
    Notifications n = Notifications.approvalGate();
    n.why = "a <b> & \"c\"\nline two";

    assertThat(render(n, "").path("why").asText()).isEqualTo("a <b> & \"c\"\nline two");
  }
}
