package org.gloomeshupgrade.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationSettingsTest {
  private static final String SLACK_SECRET =
      "https://hooks.slack.example/services/T0/B0/SLACKSECRET7f3a";
  private static final String PAGER_SECRET = "https://pager.example/hooks/PAGERSECRET91c2";
  private static final String TOKEN_SECRET = "TOKENSECRET55e1";

  @TempDir Path tmp;

  private final Function<String, String> env =
      Map.of("GMU_PAGER_WEBHOOK", PAGER_SECRET, "GMU_PAGER_TOKEN", TOKEN_SECRET)::get;

  private Path file(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text);
  }

  private InvalidNotificationSettingsException refused(String yaml) throws IOException {
    Path f = file("notifications.yaml", yaml);
    return catchThrowableOfType(
        InvalidNotificationSettingsException.class, () -> NotificationSettings.load(f, env));
  }

  @Test
  void readsBothKindsWithTheirDefaultsFromYaml() throws IOException {
    Path slackUrl = file("slack-url", SLACK_SECRET + "\n");
    Path token = file("pager-token", TOKEN_SECRET + "\n");
    Path f =
        file(
            "notifications.yaml",
            """
            temporalUi: https://temporal.example.com/
            destinations:
              - name: platform-slack
                kind: slack
                urlFile: %s
                events: [gate-opened, reminder]
                timeout: 2s
              - name: pager
                kind: webhook
                urlEnv: GMU_PAGER_WEBHOOK
                tokenFile: %s
                headers: {X-Team: mesh}
            """
                .formatted(slackUrl, token));

    NotificationSettings settings = NotificationSettings.load(f, env);

    assertThat(settings.temporalUi()).contains("https://temporal.example.com");
    assertThat(settings.routes())
        .containsExactly(
            new NotificationRoute(
                "platform-slack",
                "slack",
                List.of(NotificationEvent.GATE_OPENED, NotificationEvent.REMINDER)),
            new NotificationRoute("pager", "webhook", NotificationEvent.OF_RUNS));
    Destination slack = settings.destination("platform-slack").orElseThrow();
    assertThat(slack.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(slack.url().read()).contains(SLACK_SECRET);
    assertThat(slack.token()).isEmpty();
    Destination pager = settings.destination("pager").orElseThrow();
    assertThat(pager.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(pager.url().read()).contains(PAGER_SECRET);
    assertThat(pager.token().orElseThrow().read()).contains(TOKEN_SECRET);
    assertThat(pager.headers()).containsExactly(Map.entry("X-Team", "mesh"));
    assertThat(settings.toString())
        .contains("urlFile " + slackUrl, "urlEnv GMU_PAGER_WEBHOOK")
        .doesNotContain(SLACK_SECRET, PAGER_SECRET, TOKEN_SECRET);
  }

  @Test
  void readsJsonAndAnInlineWebhookUrl() throws IOException {
    Path f =
        file(
            "notifications.json",
            """
            {"destinations": [{"name": "audit", "kind": "webhook",
              "url": "https://audit.example/gmu", "tokenEnv": "GMU_PAGER_TOKEN",
              "events": ["run-ended"]}]}
            """);

    NotificationSettings settings = NotificationSettings.load(f, env);

    assertThat(settings.temporalUi()).isEmpty();
    assertThat(settings.routes())
        .containsExactly(
            new NotificationRoute("audit", "webhook", List.of(NotificationEvent.RUN_ENDED)));
    assertThat(settings.destination("audit").orElseThrow().token().orElseThrow().read())
        .contains(TOKEN_SECRET);
  }

  @Test
  void anEmptyFileAndNoFileMeanNoDestinations() throws IOException {
    assertThat(NotificationSettings.load(file("empty.yaml", "# nothing yet\n"), env).routes())
        .isEmpty();
    assertThat(NotificationSettings.none().routes()).isEmpty();
    assertThat(NotificationSettings.none().temporalUi()).isEmpty();
  }

  @Test
  void aUrlFileIsFoundBesideTheNotificationsFile() throws IOException {
    file("slack-url", SLACK_SECRET);
    Path f =
        file(
            "notifications.yaml",
            """
            destinations:
              - {name: slack, kind: slack, urlFile: slack-url}
            """);

    assertThat(NotificationSettings.load(f, env).destination("slack").orElseThrow().url().read())
        .contains(SLACK_SECRET);
  }

  @Test
  void aSlackUrlWrittenInTheFileIsRefusedAsASecret() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            destinations:
              - name: platform-slack
                kind: slack
                url: %s
            """
                .formatted(SLACK_SECRET));

    assertThat(e.problems())
        .containsExactly(
            "destinations[0].url: a Slack webhook URL is a secret: give it as urlFile or urlEnv");
    assertThat(e).hasMessageNotContaining("SLACKSECRET");
  }

  @Test
  void aVariableThatIsNotSetIsNamed() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            destinations:
              - {name: pager, kind: webhook, urlEnv: GMU_PAGER_WEBHOOK}
              - {name: other, kind: webhook, urlEnv: GMU_OTHER_WEBHOOK}
            """);

    assertThat(e.problems())
        .containsExactly("destinations[1].urlEnv: GMU_OTHER_WEBHOOK is not set");
    assertThat(e).hasMessageContaining("destinations[1].urlEnv: GMU_OTHER_WEBHOOK is not set");
  }

  @Test
  void unknownFieldsAreRefusedByName() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            temporalUI: https://temporal.example.com
            destinations:
              - {name: pager, kind: webhook, url: "https://pager.example/x", retries: 3}
              - {name: audit, kind: webhook, url: "https://audit.example/x", token: abc}
            """);

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "temporalUI: unknown field; the fields are temporalUi, destinations",
            "destinations[0].retries: unknown field; the fields are name, kind, urlFile, urlEnv,"
                + " url, tokenFile, tokenEnv, events, timeout, headers",
            "destinations[1].token: a token is a secret: give it as tokenFile or tokenEnv");
  }

  @Test
  void anUnknownEventListsTheKnownOnes() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            destinations:
              - name: pager
                kind: webhook
                url: https://pager.example/x
                events: [gate-opened, gate-closed]
              - {name: audit, kind: webhook, url: "https://audit.example/x", events: []}
            """);

    assertThat(e.problems())
        .containsExactly(
            "destinations[0].events[1]: \"gate-closed\" is not an event; the events are"
                + " gate-opened, reminder, gate-answered, run-ended",
            "destinations[1].events: empty: leave it out for every event, or name some of"
                + " gate-opened, reminder, gate-answered, run-ended");
  }

  @Test
  void namesMustBeValidAndUniqueAndKindsKnown() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            destinations:
              - {name: pager, kind: webhook, url: "https://pager.example/a"}
              - {name: pager, kind: webhook, url: "https://pager.example/b"}
              - {name: Platform_Slack, kind: slack, urlEnv: GMU_PAGER_WEBHOOK}
              - {kind: teams, url: "https://teams.example/x"}
            """);

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "destinations[1].name: \"pager\" is already the name of destinations[0]",
            "destinations[2].name: \"Platform_Slack\" is not a name: 1 to 63 characters of a-z,"
                + " 0-9 and -",
            "destinations[3].name: required",
            "destinations[3].kind: \"teams\" is not a kind; the kinds are slack, webhook");
  }

  @Test
  void anInlineUrlMustBeHttpAndCarryNoUserInfo() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            temporalUi: ftp://temporal.example.com
            destinations:
              - {name: a, kind: webhook, url: "ftp://files.example/hook"}
              - {name: b, kind: webhook, url: "https://gmu:PASSWORD8d2f@hooks.example/x"}
              - {name: c, kind: webhook, url: "https:///no-host"}
            """);

    assertThat(e.problems())
        .containsExactly(
            "temporalUi: not an http or https URL",
            "destinations[0].url: not an http or https URL",
            "destinations[1].url: a URL with user-info (user:password@) is a secret: give it as"
                + " urlFile or urlEnv, or the credentials as tokenFile or tokenEnv",
            "destinations[2].url: an http or https URL without a host");
    assertThat(e).hasMessageNotContaining("PASSWORD8d2f").hasMessageNotContaining("hooks.example");
  }

  @Test
  void exactlyOneUrlAndAtMostOneTokenAreGiven() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            destinations:
              - {name: none, kind: slack}
              - {name: two, kind: webhook, url: "https://a.example/x", urlEnv: GMU_PAGER_WEBHOOK}
              - name: tokens
                kind: webhook
                url: https://a.example/x
                tokenEnv: GMU_PAGER_TOKEN
                tokenFile: /etc/gmu/pager-token
              - {name: slack-token, kind: slack, urlEnv: GMU_PAGER_WEBHOOK, tokenEnv: GMU_PAGER_TOKEN}
            """);

    assertThat(e.problems())
        .containsExactly(
            "destinations[0].urlFile: no URL: give one of urlFile or urlEnv",
            "destinations[1].url: give only one of urlFile, urlEnv and url, not urlEnv and url",
            "destinations[2].tokenEnv: give only one of tokenFile and tokenEnv",
            "destinations[3].tokenEnv: a Slack incoming webhook takes no token; only a webhook"
                + " destination sends one");
  }

  @Test
  void timeoutsNeedAUnitAndStayWithinOneToEightSeconds() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            destinations:
              - {name: a, kind: webhook, url: "https://a.example/x", timeout: 5}
              - {name: b, kind: webhook, url: "https://a.example/x", timeout: 45s}
              - {name: c, kind: webhook, url: "https://a.example/x", timeout: 500ms}
              - {name: d, kind: webhook, url: "https://a.example/x", timeout: 1500ms}
            """);

    assertThat(e.problems())
        .containsExactly(
            "destinations[0].timeout: \"5\" is not a duration: give it with its unit, as 5s or"
                + " 1500ms",
            "destinations[1].timeout: 45s is outside 1s..8s",
            "destinations[2].timeout: 500ms is outside 1s..8s");
  }

  @Test
  void headersTheWorkerSetsAreRefused() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            destinations:
              - name: pager
                kind: webhook
                url: https://a.example/x
                headers: {Authorization: "Bearer abc", Idempotency-Key: x, "Bad Name": y, X-Ok: fine}
            """);

    assertThat(e.problems())
        .containsExactly(
            "destinations[0].headers.Authorization: a token is a secret: give it as tokenFile or"
                + " tokenEnv",
            "destinations[0].headers.Idempotency-Key: set by the worker or the HTTP client, not"
                + " by the file",
            "destinations[0].headers.Bad Name: not a header name");
  }

  @Test
  void aUrlFileMustExistWhenTheWorkerStarts() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            destinations:
              - {name: slack, kind: slack, urlFile: /nonexistent/gmu/slack-url}
            """);

    assertThat(e.problems())
        .containsExactly("destinations[0].urlFile: /nonexistent/gmu/slack-url does not exist");
  }

  @Test
  void whatFilesAndVariablesHoldIsNeverInTheMessage() throws IOException {
    Path badUrl = file("slack-url", "ftp://FILESECRET7f3a.example/services/T0/B0/X");
    Path badToken = file("token", "two words TOKENSECRET0b9d");
    Function<String, String> env =
        Map.of("GMU_PAGER_WEBHOOK", "not a url ENVSECRET91c2", "GMU_EMPTY", "")::get;
    Path f =
        file(
            "notifications.yaml",
            """
            destinations:
              - {name: slack, kind: slack, urlFile: %s}
              - {name: pager, kind: webhook, urlEnv: GMU_PAGER_WEBHOOK, tokenFile: %s}
              - {name: empty, kind: webhook, urlEnv: GMU_EMPTY}
            """
                .formatted(badUrl, badToken));

    InvalidNotificationSettingsException e =
        catchThrowableOfType(
            InvalidNotificationSettingsException.class, () -> NotificationSettings.load(f, env));

    assertThat(e.problems())
        .containsExactly(
            "destinations[0].urlFile: %s does not hold an http or https URL with a host"
                .formatted(badUrl),
            "destinations[1].urlEnv: GMU_PAGER_WEBHOOK does not hold an http or https URL with a"
                + " host",
            "destinations[1].tokenFile: %s does not hold a token: one line of visible ASCII"
                    .formatted(badToken)
                + " characters, without spaces",
            "destinations[2].urlEnv: GMU_EMPTY is not set");
    assertThat(e)
        .hasMessageContaining("4 problems")
        .hasMessageNotContaining("FILESECRET7f3a")
        .hasMessageNotContaining("ENVSECRET91c2")
        .hasMessageNotContaining("TOKENSECRET0b9d");
  }

  @Test
  void aSyntaxErrorNamesItsLineWithoutQuotingTheFile() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            destinations:
              - name: pager
                kind: webhook
                url: https://pager.example/hooks/INLINESECRET4c1d
                events: [run-ended
            """);

    assertThat(e.problems()).singleElement().asString().startsWith("not valid YAML at line ");
    assertThat(e).hasMessageNotContaining("INLINESECRET4c1d");
  }

  @Test
  void aKeyGivenTwiceIsRefused() throws IOException {
    InvalidNotificationSettingsException e =
        refused(
            """
            destinations:
              - name: pager
                kind: webhook
                url: https://pager.example/a
                url: https://pager.example/b
            """);

    assertThat(e.problems()).singleElement().asString().contains("Duplicate field 'url'");
  }
}
