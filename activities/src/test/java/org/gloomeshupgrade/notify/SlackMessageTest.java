package org.gloomeshupgrade.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class SlackMessageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LINK =
      "https://temporal.example.com/namespaces/default/workflows/gloo-mesh-upgrade-mgmt/5c0ffee0-run/history";

  private static JsonNode render(Notifications n, String link) throws IOException {
    return JSON.readTree(SlackMessage.render(n.build(), link));
  }

  private static List<JsonNode> blocks(JsonNode message) {
    return StreamSupport.stream(message.path("blocks").spliterator(), false).toList();
  }

  private static List<JsonNode> ofType(JsonNode message, String type) {
    return blocks(message).stream().filter(b -> b.path("type").asText().equals(type)).toList();
  }

  private static List<String> sectionTexts(JsonNode message) {
    return ofType(message, "section").stream()
        .filter(b -> b.has("text"))
        .map(b -> b.path("text").path("text").asText())
        .toList();
  }

  private static List<String> fieldTexts(JsonNode message) {
    List<String> texts = new ArrayList<>();
    ofType(message, "section")
        .forEach(b -> b.path("fields").forEach(f -> texts.add(f.path("text").asText())));
    return texts;
  }

  @Test
  void anOpenApprovalGateHasItsHeaderFieldsCommandsNoteAndLink() throws IOException {
    Notifications n = Notifications.approvalGate();

    JsonNode message = render(n, LINK);

    assertThat(blocks(message).get(0).path("type").asText()).isEqualTo("header");
    assertThat(blocks(message).get(0).path("text").path("type").asText()).isEqualTo("plain_text");
    assertThat(blocks(message).get(0).path("text").path("text").asText())
        .isEqualTo(":large_yellow_circle: Approval needed: Gloo Mesh 0.10.4 → 0.11.3 on mgmt");
    assertThat(fieldTexts(message))
        .containsExactly(
            "*Cluster*\nmgmt",
            "*Versions*\n0.10.4 → 0.11.3",
            "*Step*\n9 approval",
            "*Gate*\napproval-1f0c2a9e-3 (approval)",
            "*Workflow*\ngloo-mesh-upgrade-mgmt");
    assertThat(sectionTexts(message))
        .contains(
            "Networking waits at 0 replicas for a person's approval.",
            "*Why*\nDiscovery is back: 42 of 42 resources.",
            "```" + n.commands.get(0) + "```",
            "```" + n.commands.get(1) + "```");
    assertThat(ofType(message, "context"))
        .singleElement()
        .extracting(c -> c.path("elements").get(0).path("text").asText())
        .isEqualTo("on call: <!subteam^S0MESH>");
    JsonNode button = ofType(message, "actions").get(0).path("elements").get(0);
    assertThat(button.path("type").asText()).isEqualTo("button");
    assertThat(button.path("text").path("text").asText()).isEqualTo("Open in Temporal UI");
    assertThat(button.path("url").asText()).isEqualTo(LINK);
  }

  @Test
  void theTextFallbackIsOneLineWithEventClusterVersionsStepAndGate() throws IOException {
    Notifications n = Notifications.approvalGate();
    n.stepLabel = "9 approval\nwaiting";

    assertThat(render(n, "").path("text").asText())
        .isEqualTo(
            "Approval needed: Gloo Mesh 0.10.4 → 0.11.3 on mgmt; step 9 approval waiting; gate"
                + " approval-1f0c2a9e-3");
  }

  @Test
  void withoutALinkThereIsNoButton() throws IOException {
    assertThat(ofType(render(Notifications.approvalGate(), ""), "actions")).isEmpty();
  }

  @Test
  void textFromTheRunIsEscapedExceptTheNotesMentions() throws IOException {
    Notifications n = Notifications.approvalGate();
    n.cluster = "a<b>&c";
    n.why = "<!channel> see <http://evil.example|the docs> & more";
    n.commands = List.of("./gmu approve --context 'a<b>&c' --reason \"x\"");
    n.note = "ping <@U0ALICE> and <!everyone> in <#C0MESH>";

    JsonNode message = render(n, "");

    assertThat(blocks(message).get(0).path("text").path("text").asText())
        .endsWith("on a&lt;b&gt;&amp;c");
    assertThat(fieldTexts(message)).contains("*Cluster*\na&lt;b&gt;&amp;c");
    assertThat(sectionTexts(message))
        .contains(
            "*Why*\n&lt;!channel&gt; see &lt;http://evil.example|the docs&gt; &amp; more",
            "```./gmu approve --context 'a&lt;b&gt;&amp;c' --reason \"x\"```");
    assertThat(ofType(message, "context").get(0).path("elements").get(0).path("text").asText())
        .isEqualTo("ping <@U0ALICE> and &lt;!everyone&gt; in <#C0MESH>");
    assertThat(message.path("text").asText()).contains("a&lt;b&gt;&amp;c");
  }

  @Test
  void blockKitLimitsHoldWithAHugeWhyAndTwoHundredReportEntries() throws IOException {
    Notifications n = Notifications.runEnded();
    n.cluster = "c".repeat(300);
    n.why = "why & <because> ".repeat(1000);
    n.commands = IntStream.range(0, 60).mapToObj(i -> "./gmu decide --step " + i).toList();
    n.note = "n".repeat(5000);
    Map<String, String> report = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      report.put("check %03d %s".formatted(i, "x".repeat(40)), i % 7 == 0 ? "RED" : "GREEN");
    }
    n.report = report;

    JsonNode message = render(n, LINK);

    assertThat(blocks(message)).hasSizeLessThanOrEqualTo(50);
    assertThat(blocks(message).get(0).path("text").path("text").asText())
        .hasSizeLessThanOrEqualTo(150);
    assertThat(sectionTexts(message)).allSatisfy(t -> assertThat(t).hasSizeLessThanOrEqualTo(3000));
    assertThat(ofType(message, "section"))
        .allSatisfy(s -> assertThat(s.path("fields").size()).isLessThanOrEqualTo(10));
    assertThat(fieldTexts(message)).allSatisfy(t -> assertThat(t).hasSizeLessThanOrEqualTo(2000));
    assertThat(ofType(message, "context").get(0).path("elements").get(0).path("text").asText())
        .hasSizeLessThanOrEqualTo(2000);
    assertThat(message.path("text").asText()).hasSizeLessThanOrEqualTo(3000);
    assertThat(sectionTexts(message))
        .anySatisfy(
            t -> assertThat(t).startsWith("*Why*\nwhy &amp; &lt;because&gt;").endsWith("…"));
    assertThat(ofType(message, "actions")).hasSize(1);
    String report200 = String.join("\n", sectionTexts(message));
    assertThat(report200).contains("*Final report*\n:red_circle: check 000");
  }

  @Test
  void aReportTooLongForTheBlocksLeftCountsWhatItLeavesOut() throws IOException {
    Notifications n = Notifications.runEnded();
    Map<String, String> report = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      report.put("check %03d %s".formatted(i, "y".repeat(480)), "YELLOW");
    }
    n.report = report;

    JsonNode message = render(n, LINK);

    assertThat(blocks(message)).hasSize(50);
    List<String> texts = sectionTexts(message);
    assertThat(texts.get(texts.size() - 1)).matches("(?s).*\\n… and \\d+ more checks");
    assertThat(texts).allSatisfy(t -> assertThat(t).hasSizeLessThanOrEqualTo(3000));
    assertThat(ofType(message, "actions")).as("the link is kept").hasSize(1);
  }

  @Test
  void theEndOfARunShowsItsOutcomeAndTheReportWorstFirst() throws IOException {
    JsonNode message = render(Notifications.runEnded(), "");

    assertThat(blocks(message).get(0).path("text").path("text").asText())
        .isEqualTo(
            ":large_orange_circle: Upgrade finished with problems: Gloo Mesh 0.10.4 → 0.11.3 on"
                + " mgmt");
    assertThat(fieldTexts(message)).contains("*Outcome*\nFINISHED_WITH_PROBLEMS");
    assertThat(sectionTexts(message))
        .contains(
            """
            *Final report*
            :large_yellow_circle: networking accepted: YELLOW
            :large_green_circle: CRDs at target: GREEN
            :large_green_circle: deployments available: GREEN"""
                .strip());
    assertThat(message.path("text").asText())
        .isEqualTo(
            "Upgrade finished with problems: Gloo Mesh 0.10.4 → 0.11.3 on mgmt; step 11 verify;"
                + " outcome FINISHED_WITH_PROBLEMS");
  }

  @Test
  void anAnsweredGateShowsWhoAnsweredAndWhat() throws IOException {
    JsonNode message = render(Notifications.gateAnswered(), "");

    assertThat(blocks(message).get(0).path("text").path("text").asText())
        .startsWith(":white_check_mark: Approved: ");
    assertThat(fieldTexts(message)).contains("*Answered by*\nalice", "*Answer*\nAPPROVED");
    assertThat(message.path("text").asText()).contains("APPROVED by alice");
  }

  @Test
  void anUnknownFromVersionLeavesOnlyTheTarget() throws IOException {
    Notifications n = Notifications.approvalGate();
    n.fromVersion = "";
    n.gateKind = GateKind.FAILED_STEP;

    assertThat(blocks(render(n, "")).get(0).path("text").path("text").asText())
        .isEqualTo(":red_circle: Step failed, decision needed: Gloo Mesh → 0.11.3 on mgmt");
  }

  @Test
  void cuttingEscapedTextNeverSplitsAnEntityOrASurrogatePair() {
    assertThat(SlackText.limit("abc&amp;def", 6)).isEqualTo("abc…");
    assertThat(SlackText.limit("abcd&lt;", 8)).isEqualTo("abcd&lt;");
    assertThat(SlackText.limit("ab\uD83D\uDE00cd", 4)).isEqualTo("ab…");
  }
}
