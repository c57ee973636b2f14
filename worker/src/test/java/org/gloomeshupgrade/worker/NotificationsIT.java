package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.Timestamps;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.notify.NotificationDelivery;
import org.gloomeshupgrade.notify.NotificationEvent;
import org.gloomeshupgrade.testkit.DevServer;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.UpgradeRuns;
import org.gloomeshupgrade.testkit.WebhookReceiver;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeActivityOptions;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker jar tells people, over local webhooks: a Slack destination and a JSON webhook get each
 * event once and in order, through a worker killed at the approval gate and its successor; a
 * webhook that answers 500 and one that never answers are retried, recorded as not delivered, and
 * hold the run's end up by at most the notification timeout; and neither the history nor the
 * worker's log ever holds a webhook's URL or token.
 */
class NotificationsIT {
  private static final String ID = UpgradeNames.workflowId("mgmt");
  private static final String SLACK_PATH = "services/T0GMU/B0GMU/slack-secret-path-4711";
  private static final String HOOK_PATH = "hooks/audit-secret-path-0815";
  private static final String TOKEN = "audit-token-secret-9a8b7c";
  private static final String NOTE = "#mesh-changes @mesh-oncall";
  private static final List<String> IN_ORDER = List.of("gate-opened", "gate-answered", "run-ended");

  @TempDir Path dir;

  @Test
  void slackAndAWebhookHearEachEventOnceInOrderWhileFailingOnesHoldNothingUp() throws Exception {
    try (DevServer temporal = new DevServer(dir).start();
        SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder()
                .deploymentDelay(Duration.ofMillis(100))
                .discoveryDelay(Duration.ofMillis(300))
                .build();
        WebhookReceiver slack = new WebhookReceiver(WebhookReceiver.Behaviour.ANSWERS);
        WebhookReceiver audit = new WebhookReceiver(WebhookReceiver.Behaviour.ANSWERS);
        WebhookReceiver broken = new WebhookReceiver(WebhookReceiver.Behaviour.FAILS);
        WebhookReceiver silent = new WebhookReceiver(WebhookReceiver.Behaviour.HANGS)) {
      Files.writeString(dir.resolve("slack-url"), slack.url(SLACK_PATH) + "\n");
      Files.writeString(dir.resolve("audit-token"), TOKEN + "\n");
      Path settings =
          Files.writeString(
              dir.resolve("notifications.yaml"),
              """
              temporalUi: http://localhost:8233
              destinations:
                - name: team-slack
                  kind: slack
                  urlFile: slack-url
                  events: [gate-opened, gate-answered, run-ended]
                - name: audit
                  kind: webhook
                  urlEnv: GMU_TEST_AUDIT_URL
                  tokenFile: audit-token
                  events: [gate-opened, gate-answered, run-ended]
                - name: broken
                  kind: webhook
                  url: %s
                  events: [gate-opened, run-ended]
                - name: silent
                  kind: webhook
                  url: %s
                  timeout: 2s
                """
                  .formatted(broken.url("fails"), silent.url("hangs")));
      Map<String, String> env = Map.of("GMU_TEST_AUDIT_URL", audit.url(HOOK_PATH));
      Path log = dir.resolve("worker.log");
      String[] flags = {
        "--temporal-address", temporal.address(), "--notifications", settings.toString()
      };

      GlooMeshUpgradeWorkflow wf;
      String gate;
      UpgradeStatus status;
      try (WorkerProcess first = WorkerProcess.start(env, sim, log, flags)) {
        wf =
            UpgradeRuns.start(
                temporal.client(), ID, sim.quickUpgradeRequest("0.11.3").put("notifyNote", NOTE));
        await("the approval gate told to Slack; log: " + log)
            .atMost(Duration.ofMinutes(2))
            .until(() -> events(slack).contains("gate-opened"));
        UpgradeStatus waiting = wf.status();
        assertThat(waiting.state()).isEqualTo(RunState.WAITING_FOR_APPROVAL);
        gate = waiting.gate();
        // A node dies while the run waits: its successor must not tell anything again.
        first.kill();
      }
      try (WorkerProcess second = WorkerProcess.start(env, sim, log, flags)) {
        wf.approve(new Approval("alice", "CHG-42", gate));
        UpgradeReport report = WorkflowStub.fromTyped(wf).getResult(UpgradeReport.class);
        assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
        // A query needs a worker, even on a closed run.
        status = wf.status();
      }

      assertThat(events(slack)).isEqualTo(IN_ORDER);
      assertThat(events(audit)).isEqualTo(IN_ORDER);
      assertThat(slack.received)
          .extracting(WebhookReceiver.Received::idempotencyKey)
          .doesNotHaveDuplicates()
          .isEqualTo(
              audit.received.stream().map(WebhookReceiver.Received::idempotencyKey).toList());
      assertThat(slack.received).allSatisfy(r -> assertThat(r.path()).isEqualTo("/" + SLACK_PATH));
      assertThat(audit.received)
          .allSatisfy(
              r -> {
                assertThat(r.auth()).isEqualTo("Bearer " + TOKEN);
                assertThat(r.event()).isEqualTo(r.body().path("event").asText());
                assertThat(r.body().path("cluster").asText()).isEqualTo("mgmt");
                assertThat(r.body().path("note").asText()).isEqualTo(NOTE);
              });
      slackMessagesSayWhatAPersonNeeds(slack, gate);

      assertThat(outcomes(status, "team-slack")).containsOnly("DELIVERED").hasSize(3);
      assertThat(outcomes(status, "audit")).containsOnly("DELIVERED").hasSize(3);
      assertThat(delivered(status, "broken"))
          .extracting(NotificationDelivery::outcome, NotificationDelivery::detail)
          .containsOnly(
              org.assertj.core.groups.Tuple.tuple(
                  NotificationDelivery.Outcome.FAILED, "broken: HTTP 500 (internal_error)"));
      assertThat(broken.received).as("three attempts at each of 2 events").hasSize(6);
      assertThat(outcomes(status, "silent")).doesNotContain("DELIVERED", "SENDING").isNotEmpty();
      assertThat(delivered(status, "silent"))
          .filteredOn(d -> d.outcome() == NotificationDelivery.Outcome.FAILED)
          .isNotEmpty()
          .allSatisfy(d -> assertThat(d.detail()).startsWith("silent: no answer within 2 s"));

      WorkflowExecutionHistory history = temporal.client().fetchHistory(ID);
      Duration endWaited = endWaited(history);
      System.out.printf("the run's end waited %d ms for notifications%n", endWaited.toMillis());
      assertThat(endWaited)
          .as("the end waits for notifications at most their timeout")
          .isLessThanOrEqualTo(UpgradeActivityOptions.NOTIFICATION_TIMEOUT.plusSeconds(5));
      String exported = history.toJson(true);
      String logged = Files.readString(log);
      for (String secret :
          List.of(
              SLACK_PATH,
              HOOK_PATH,
              TOKEN,
              slack.url("").replace("http://", ""),
              audit.url("").replace("http://", ""))) {
        assertThat(exported).as("the exported history").doesNotContain(secret);
        assertThat(logged).as("the worker's log").doesNotContain(secret);
      }
      assertThat(logged)
          .contains("notify: run-ended of " + ID + " to team-slack: HTTP 200")
          .contains("worker: notifications to team-slack (slack from urlFile ");
    }
  }

  private static void slackMessagesSayWhatAPersonNeeds(WebhookReceiver slack, String gate) {
    JsonNode opened = slack.received.get(0).body();
    assertThat(opened.path("text").asText()).contains("mgmt", "0.11.3");
    JsonNode blocks = opened.path("blocks");
    assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
    String all = blocks.toString();
    assertThat(all)
        .contains(
            // Slack's escaping, which Slack shows as < and >.
            "gmu approve --workflow-id %s --gate %s --by &lt;you&gt; --reason &lt;why&gt;"
                .formatted(ID, gate),
            "temporal workflow signal --workflow-id " + ID,
            "http://localhost:8233/namespaces/default/workflows/" + ID + "/");
    JsonNode ended = slack.received.get(2).body();
    assertThat(ended.path("text").asText()).contains("outcome SUCCEEDED");
    assertThat(ended.path("blocks").toString())
        .contains("Upgrade succeeded", "*Final report*", ":large_green_circle:");
  }

  private static List<String> events(WebhookReceiver receiver) {
    List<String> events = new ArrayList<>();
    for (WebhookReceiver.Received r : receiver.received) {
      String event = r.event() != null ? r.event() : slackEvent(r.body());
      events.add(event);
    }
    return events;
  }

  /** Slack bodies carry no event field: the header says which. */
  private static String slackEvent(JsonNode body) {
    String header = body.path("blocks").get(0).path("text").path("text").asText();
    if (header.contains("needed")) {
      return NotificationEvent.GATE_OPENED.wireName();
    }
    if (header.contains("Approved") || header.contains("Decided") || header.contains("Rejected:")) {
      return NotificationEvent.GATE_ANSWERED.wireName();
    }
    return NotificationEvent.RUN_ENDED.wireName();
  }

  private static List<NotificationDelivery> delivered(UpgradeStatus status, String destination) {
    return status.notifications().stream()
        .filter(d -> d.destination().equals(destination))
        .toList();
  }

  private static List<String> outcomes(UpgradeStatus status, String destination) {
    return delivered(status, destination).stream().map(d -> d.outcome().name()).toList();
  }

  /** From the last activity of a step ending to the workflow's end. */
  private static Duration endWaited(WorkflowExecutionHistory history) {
    Map<Long, String> types = new HashMap<>();
    Instant lastStep = null;
    Instant end = null;
    for (HistoryEvent e : history.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        types.put(
            e.getEventId(),
            e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      }
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
          && !types
              .get(e.getActivityTaskCompletedEventAttributes().getScheduledEventId())
              .equals("DeliverNotification")) {
        lastStep = instant(e);
      }
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) {
        end = instant(e);
      }
    }
    assertThat(lastStep).isNotNull();
    assertThat(end).isNotNull();
    return Duration.between(lastStep, end);
  }

  private static Instant instant(HistoryEvent e) {
    return Instant.ofEpochMilli(Timestamps.toMillis(e.getEventTime()));
  }
}
