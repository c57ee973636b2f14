package org.gloomeshupgrade.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestEnvironmentOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class NotificationActivitiesImplTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "TOKENSECRET3e7b";

  @TempDir Path tmp;

  private final WebhookReceiver receiver = new WebhookReceiver();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Notification approval = Notifications.approvalGate().build();

  @BeforeEach
  void captureLog() {
    logged.start();
    ((Logger) LoggerFactory.getLogger(NotificationActivitiesImpl.class)).addAppender(logged);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(NotificationActivitiesImpl.class)).detachAppender(logged);
    receiver.close();
  }

  /** Settings with a webhook "pager" and a Slack "platform-slack", both on the receiver. */
  private NotificationSettings settings(String pagerPath, String timeout) throws IOException {
    Path slackUrl = Files.writeString(tmp.resolve("slack-url"), receiver.url("/slack/T0/B0/X"));
    Path pagerUrl = Files.writeString(tmp.resolve("pager-url"), receiver.url(pagerPath));
    Path token = Files.writeString(tmp.resolve("pager-token"), TOKEN + "\n");
    Path file =
        Files.writeString(
            tmp.resolve("notifications.yaml"),
            """
            temporalUi: https://temporal.example.com
            destinations:
              - {name: platform-slack, kind: slack, urlFile: %s}
              - name: pager
                kind: webhook
                urlFile: %s
                tokenFile: %s
                timeout: %s
                headers: {X-Team: mesh}
            """
                .formatted(slackUrl, pagerUrl, token, timeout));
    return NotificationSettings.load(file, name -> null);
  }

  private NotificationActivitiesImpl activities(NotificationSettings settings) {
    return new NotificationActivitiesImpl(
        settings, NotificationActivitiesImpl.defaultClient(), Optional::empty);
  }

  private ApplicationFailure failure(NotificationActivitiesImpl activities, String destination) {
    return catchThrowableOfType(
        ApplicationFailure.class, () -> activities.deliver(destination, approval));
  }

  private List<String> logLines() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void routesNameEachDestinationWithItsKindAndEvents() throws IOException {
    assertThat(activities(settings("/pager", "5s")).routes())
        .containsExactly(
            new NotificationRoute("platform-slack", "slack", NotificationEvent.OF_RUNS),
            new NotificationRoute("pager", "webhook", NotificationEvent.OF_RUNS));
    assertThat(activities(NotificationSettings.none()).routes()).isEmpty();
  }

  @Test
  void aWebhookGetsTheJsonWithItsHeadersAndTheReceiptHasTheStatus() throws IOException {
    receiver.answer(202, "");

    DeliveryReceipt receipt = activities(settings("/pager", "5s")).deliver("pager", approval);

    assertThat(receipt.destination()).isEqualTo("pager");
    assertThat(receipt.httpStatus()).isEqualTo(202);
    assertThat(receipt.tookMillis()).isNotNegative();
    WebhookReceiver.Received request = receiver.received().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/pager");
    assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(request.headers().getFirst("Idempotency-Key")).isEqualTo(approval.id());
    assertThat(request.headers().getFirst("X-Gmu-Event")).isEqualTo("gate-opened");
    assertThat(request.headers().getFirst("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(request.headers().getFirst("X-Team")).isEqualTo("mesh");
    JsonNode body = JSON.readTree(request.body());
    assertThat(body.path("version").asInt()).isEqualTo(1);
    assertThat(body.path("event").asText()).isEqualTo("gate-opened");
    assertThat(body.has("link")).as("no link outside an activity").isFalse();
    assertThat(logLines())
        .containsExactly(
            "notify: gate-opened of gloo-mesh-upgrade-mgmt to pager: HTTP 202 in %d ms"
                .formatted(receipt.tookMillis()));
  }

  @Test
  void slackGetsBlocksWithTheIdempotencyKeyAndNoEventHeader() throws IOException {
    DeliveryReceipt receipt =
        activities(settings("/pager", "5s")).deliver("platform-slack", approval);

    assertThat(receipt.httpStatus()).isEqualTo(200);
    WebhookReceiver.Received request = receiver.received().get(0);
    assertThat(request.path()).isEqualTo("/slack/T0/B0/X");
    assertThat(request.headers().getFirst("Idempotency-Key")).isEqualTo(approval.id());
    assertThat(request.headers().containsKey("X-Gmu-Event")).isFalse();
    assertThat(request.headers().containsKey("Authorization")).isFalse();
    assertThat(JSON.readTree(request.body()).path("blocks").isArray()).isTrue();
  }

  @Test
  void aServerErrorIsRetryable() throws IOException {
    receiver.answer(500, "");

    ApplicationFailure failure = failure(activities(settings("/pager", "5s")), "pager");

    assertThat(failure.getType()).isEqualTo(FailureTypes.NOTIFICATION_UNDELIVERED);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).isEqualTo("pager: HTTP 500");
    assertThat(failure.getCause()).isNull();
    assertThat(logged.list)
        .singleElement()
        .extracting(e -> e.getLevel().toString())
        .isEqualTo("WARN");
  }

  @Test
  void tooManyRequestsIsRetryable() throws IOException {
    receiver.answer(429, "slow down");

    ApplicationFailure failure = failure(activities(settings("/pager", "5s")), "pager");

    assertThat(failure.getType()).isEqualTo(FailureTypes.NOTIFICATION_UNDELIVERED);
    assertThat(failure.getOriginalMessage()).isEqualTo("pager: HTTP 429 (slow down)");
  }

  @Test
  void aClientErrorIsRefusedWithAShortExcerptOfTheAnswer() throws IOException {
    receiver.answer(404, "no_service");

    ApplicationFailure failure = failure(activities(settings("/pager", "5s")), "platform-slack");

    assertThat(failure.getType()).isEqualTo(FailureTypes.NOTIFICATION_REFUSED);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("platform-slack: HTTP 404 (no_service)");
  }

  @Test
  void aLongAnswerIsCutToOneLineOfTwoHundredCharacters() throws IOException {
    receiver.answer(400, "<html>\n<body>\u0007" + "invalid payload ".repeat(100) + "</body>");

    ApplicationFailure failure = failure(activities(settings("/pager", "5s")), "pager");

    String excerpt =
        failure.getOriginalMessage().substring("pager: HTTP 400 (".length()).replaceAll("\\)$", "");
    assertThat(excerpt).hasSizeLessThanOrEqualTo(200).startsWith("<html> <body> invalid payload");
    assertThat(excerpt).doesNotContain("\n", "\u0007");
  }

  @Test
  void aRedirectIsRefusedNotFollowed() throws IOException {
    receiver.answer(302, "");

    ApplicationFailure failure = failure(activities(settings("/pager", "5s")), "pager");

    assertThat(failure.getType()).isEqualTo(FailureTypes.NOTIFICATION_REFUSED);
    assertThat(failure.getOriginalMessage())
        .isEqualTo("pager: HTTP 302: redirects are not followed");
    assertThat(receiver.received()).hasSize(1);
  }

  @Test
  void anUnknownDestinationIsRefused() throws IOException {
    ApplicationFailure failure = failure(activities(settings("/pager", "5s")), "email");

    assertThat(failure.getType()).isEqualTo(FailureTypes.NOTIFICATION_REFUSED);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("email: no such destination on this worker; it has platform-slack, pager");
    assertThat(receiver.received()).isEmpty();
  }

  @Test
  void aServerThatNeverAnswersFailsRetryablyAfterTheTimeout() throws IOException {
    receiver.hanging();

    ApplicationFailure failure = failure(activities(settings("/pager", "1s")), "pager");

    assertThat(failure.getType()).isEqualTo(FailureTypes.NOTIFICATION_UNDELIVERED);
    assertThat(failure.getOriginalMessage()).isEqualTo("pager: no answer within 1 s");
  }

  @Test
  void aRefusedConnectionIsRetryable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    NotificationSettings settings = settings("/pager", "5s");
    Files.writeString(tmp.resolve("pager-url"), "http://127.0.0.1:%d/pager".formatted(closedPort));

    ApplicationFailure failure = failure(activities(settings), "pager");

    assertThat(failure.getType()).isEqualTo(FailureTypes.NOTIFICATION_UNDELIVERED);
    assertThat(failure.getOriginalMessage()).isEqualTo("pager: connection refused");
  }

  @Test
  void neitherTheFailureNorTheLogHoldsTheUrlOrTheToken() throws IOException {
    receiver.echoing(500);
    String secretPath = "/hooks/URLSECRET5a9c0d";

    ApplicationFailure failure = failure(activities(settings(secretPath, "5s")), "pager");

    assertThat(failure.getOriginalMessage())
        .startsWith("pager: HTTP 500 (you sent [redacted] with Bearer [redacted])")
        .doesNotContain("URLSECRET5a9c0d", TOKEN, "127.0.0.1");
    assertThat(logLines())
        .singleElement()
        .asString()
        .doesNotContain("URLSECRET5a9c0d", TOKEN, "127.0.0.1");
  }

  @Test
  void anEchoCutByTheExcerptOrEscapedAsJsonIsScrubbedAllTheSame() throws IOException {
    String secretPath = "/hooks/URLSECRET5a9c0d";
    String escaped = receiver.url(secretPath).replace("/", "\\/");
    // The escaped URL straddles the 200-character cut; the token comes after it.
    receiver.answer(
        500, "{\"error\":\"" + "a".repeat(150) + escaped + "\",\"t\":\"" + TOKEN + "\"}");

    ApplicationFailure failure = failure(activities(settings(secretPath, "5s")), "pager");

    assertThat(failure.getOriginalMessage())
        .contains("[redacted]")
        .doesNotContain("URLSECRET", "hooks", "127.0.0.1", TOKEN.substring(0, 6));
  }

  @Test
  void aRotatedUrlFileIsReadForTheNextMessage() throws IOException {
    NotificationActivitiesImpl activities = activities(settings("/pager/old", "5s"));
    activities.deliver("pager", approval);

    Files.writeString(tmp.resolve("pager-url"), receiver.url("/pager/new"));
    activities.deliver("pager", approval);

    assertThat(receiver.received())
        .extracting(WebhookReceiver.Received::path)
        .containsExactly("/pager/old", "/pager/new");
  }

  @Test
  void aUrlFileGoneSinceStartIsRetriedNamingTheFile() throws IOException {
    NotificationActivitiesImpl activities = activities(settings("/pager", "5s"));
    Files.delete(tmp.resolve("pager-url"));

    ApplicationFailure failure = failure(activities, "pager");

    assertThat(failure.getType()).isEqualTo(FailureTypes.NOTIFICATION_UNDELIVERED);
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "pager: urlFile %s cannot be read or is empty".formatted(tmp.resolve("pager-url")));
  }

  @Test
  void theLinkToTheTemporalUiNamesTheActivitysNamespaceAndTheRun() throws IOException {
    NotificationActivitiesImpl activities =
        new NotificationActivitiesImpl(settings("/pager", "5s"));
    TestActivityEnvironment env =
        TestActivityEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder().setNamespace("mesh-prod").build())
                .build());
    try {
      env.registerActivitiesImplementations(activities);
      NotificationActivities stub =
          env.newActivityStub(
              NotificationActivities.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofSeconds(30))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build());
      Notifications withSpace = Notifications.approvalGate();
      withSpace.workflowId = "gloo-mesh-upgrade-mgmt east";
      stub.deliver("pager", withSpace.build());
    } finally {
      env.close();
    }

    JsonNode body = JSON.readTree(receiver.received().get(0).body());
    assertThat(body.path("link").asText())
        .isEqualTo(
            "https://temporal.example.com/namespaces/mesh-prod/workflows/"
                + "gloo-mesh-upgrade-mgmt%20east/5c0ffee0-run/history");
  }

  @Test
  void theLinkIsBuiltFromTheTemporalUiNamespaceAndIds() {
    assertThat(
            TemporalUiLink.of(
                "https://temporal.example.com", "prod ns", "gloo-mesh-upgrade-mgmt/x", "run-1"))
        .isEqualTo(
            "https://temporal.example.com/namespaces/prod%20ns/workflows/"
                + "gloo-mesh-upgrade-mgmt%2Fx/run-1/history");
    assertThat(TemporalUiLink.of("https://temporal.example.com", "default", "", "run-1")).isEmpty();
  }

  @Test
  void withoutTemporalUiThereIsNoLink() throws IOException {
    Path url = Files.writeString(tmp.resolve("url"), receiver.url("/hook"));
    Path file =
        Files.writeString(
            tmp.resolve("n.yaml"),
            "destinations: [{name: hook, kind: webhook, urlFile: %s}]".formatted(url));
    NotificationActivitiesImpl activities =
        new NotificationActivitiesImpl(
            NotificationSettings.load(file, Map.<String, String>of()::get),
            NotificationActivitiesImpl.defaultClient(),
            () -> Optional.of("default"));

    activities.deliver("hook", approval);

    assertThat(JSON.readTree(receiver.received().get(0).body()).has("link")).isFalse();
  }
}
