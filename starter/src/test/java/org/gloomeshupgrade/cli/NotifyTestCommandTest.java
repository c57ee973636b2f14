package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.GmuRun.gmu;

import java.nio.file.Files;
import java.nio.file.Path;
import org.gloomeshupgrade.notify.NotificationActivitiesImpl;
import org.gloomeshupgrade.notify.NotificationSettings;
import org.gloomeshupgrade.testkit.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `gmu notify-test` asks the worker to send a sample to its destinations: one that takes it and one
 * that refuses it, each reported, the exit code saying whether all took it.
 */
class NotifyTestCommandTest {
  private final WebhookReceiver slack = new WebhookReceiver(WebhookReceiver.Behaviour.ANSWERS);
  private final WebhookReceiver gone = new WebhookReceiver(WebhookReceiver.Behaviour.GONE);
  private LocalTemporal temporal;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (temporal != null) {
      temporal.close();
    }
    slack.close();
    gone.close();
  }

  private void workerWith(String destinations) throws Exception {
    Files.writeString(dir.resolve("slack-url"), slack.url("services/T0/B0/sample") + "\n");
    Path file =
        Files.writeString(
            dir.resolve("notifications.yaml"),
            "destinations:\n%s".formatted(destinations.formatted(gone.url("gone"))));
    temporal = new LocalTemporal(new NotificationActivitiesImpl(NotificationSettings.load(file)));
  }

  private static final String BOTH =
      """
        - name: team-slack
          kind: slack
          urlFile: slack-url
        - name: old-hook
          kind: webhook
          url: %s
      """;

  @Test
  void everyDestinationIsTriedAndOneThatRefusesMakesTheExitCode1() throws Exception {
    workerWith(BOTH);
    GmuRun run = gmuAt("notify-test", "--by", "alice", "--note", "#mesh-changes");

    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.out().lines())
        .anySatisfy(l -> assertThat(l).startsWith("team-slack").contains("slack", "delivered"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("old-hook")
                    .contains("webhook", "NOT DELIVERED", "old-hook: HTTP 410"));
    assertThat(slack.received).hasSize(1);
    String sample = slack.received.get(0).body().toString();
    assertThat(sample).contains("Test from gmu notify-test", "asked for by alice", "#mesh-changes");
    assertThat(gone.received).as("a refusal is not retried").hasSize(1);
  }

  @Test
  void oneDestinationByNameAndAllTookItMakesTheExitCode0() throws Exception {
    workerWith(BOTH);
    GmuRun run = gmuAt("notify-test", "--destination", "team-slack");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().lines()).hasSize(2);
    assertThat(gone.received).isEmpty();
  }

  @Test
  void aDestinationTheWorkerDoesNotHaveIsNamedWithThoseItHas() throws Exception {
    workerWith(BOTH);
    GmuRun run = gmuAt("notify-test", "--destination", "pager");

    assertThat(run.exit()).isNotZero();
    assertThat(run.err())
        .contains("the worker has no destination named pager; it has [team-slack, old-hook]");
  }

  @Test
  void aWorkerWithoutDestinationsSaysHowToGiveItSome() {
    temporal = new LocalTemporal();
    GmuRun run = gmuAt("notify-test");

    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("no notification destinations: give it --notifications FILE");
  }

  private GmuRun gmuAt(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--address";
    all[args.length + 1] = temporal.address();
    return gmu(all);
  }
}
