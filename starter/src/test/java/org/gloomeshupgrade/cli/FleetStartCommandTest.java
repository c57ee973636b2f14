package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gloomeshupgrade.fleet.FleetResume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `gmu fleet start`: what it sends, and the files it refuses before anything starts. */
class FleetStartCommandTest {
  private static LocalFleet temporal;

  @TempDir Path dir;

  @BeforeAll
  static void startTemporal() {
    temporal = new LocalFleet();
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  private Path file(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void startsTheFleetUnderItsNameWithTheRequestAsWrittenAndRefusesASecondWhileItRuns()
      throws Exception {
    Path yaml =
        file(
            "fleet.yaml",
            """
            name: mesh-0-12
            targetVersion: 0.12.8
            common:
              requestedBy: alice
              scaleTimeout: 5m
            waves:
              - name: staging
                contexts: [staging-mgmt]
              - name: prod
                contexts: [prod-us, prod-eu]
                concurrency: 2
            soak: 1h
            approval: per-wave
            """);

    GmuRun started = temporal.gmu("start", "-f", yaml.toString());

    assertThat(started.exit()).as(started.err()).isZero();
    String run = temporal.latestRun("mesh-0-12");
    assertThat(started.out())
        .contains(
            "started fleet mesh-0-12: 3 planes in 2 waves to 0.12.8, approval per-wave, workflow "
                + "gloo-mesh-fleet-mesh-0-12 run "
                + run)
        .contains("gmu fleet watch --fleet mesh-0-12")
        .contains("gmu fleet status --fleet mesh-0-12");
    var event = temporal.client.fetchHistory("gloo-mesh-fleet-mesh-0-12").getEvents().get(0);
    var attributes = event.getWorkflowExecutionStartedEventAttributes();
    assertThat(attributes.getWorkflowType().getName()).isEqualTo("GlooMeshFleetUpgrade");
    assertThat(attributes.getTaskQueue().getName()).isEqualTo("gloo-mesh-upgrade");
    var converter = DefaultDataConverter.newDefaultInstance();
    JsonNode request =
        converter.fromPayload(attributes.getInput().getPayloads(0), JsonNode.class, JsonNode.class);
    assertThat(request.toString())
        .isEqualTo(
            "{\"name\":\"mesh-0-12\",\"targetVersion\":\"0.12.8\",\"common\":{\"requestedBy\":\"alice\","
                + "\"scaleTimeout\":\"5m\"},\"waves\":[{\"name\":\"staging\",\"contexts\":[\"staging-mgmt\"]},"
                + "{\"name\":\"prod\",\"contexts\":[\"prod-us\",\"prod-eu\"],\"concurrency\":2}],"
                + "\"soak\":\"1h\",\"approval\":\"per-wave\"}");
    assertThat(
            converter.fromPayload(
                attributes.getInput().getPayloads(1), FleetResume.class, FleetResume.class))
        .as("a new fleet carries on nothing")
        .isNull();

    GmuRun again = temporal.gmu("start", "--file", yaml.toString());

    assertThat(again.exit()).isEqualTo(3);
    assertThat(again.err())
        .contains(
            "error: a fleet named mesh-0-12 is already running as workflow gloo-mesh-fleet-mesh-0-12")
        .contains("gmu fleet status --fleet mesh-0-12");
    assertThat(temporal.latestRun("mesh-0-12")).isEqualTo(run);
  }

  @Test
  void aJsonFileIsReadAsJson() throws Exception {
    Path json = file("fleet.json", LocalFleet.request("from-json").toPrettyString());

    GmuRun started = temporal.gmu("start", "-f", json.toString());

    assertThat(started.exit()).as(started.err()).isZero();
    assertThat(temporal.latestRun("from-json")).isNotEmpty();
  }

  @Test
  void aBadRequestIsRefusedNamingEveryBadFieldAndNothingStarts() throws Exception {
    Path yaml =
        file(
            "bad.yaml",
            """
            name: never-started
            targetVersion: 0.12.8
            common:
              installMethod: kubectl
            waves:
              - name: staging
                contexts: [staging-mgmt]
                concurrency: 3
            soak: forever
            approvals: per-wave
            """);

    GmuRun refused = temporal.gmu("start", "-f", yaml.toString());

    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err())
        .contains("is not valid, so nothing was started:")
        .contains("  unknown field \"approvals\"")
        .contains("  waves[0].concurrency: 3 is outside 1 to 1")
        .contains("  soak: \"forever\" is not a duration")
        .contains(
            "  common (plane staging-mgmt): installMethod: \"kubectl\" is not one of helm, manifests, meshctl");
    assertThat(refused.out()).isEmpty();
    assertThat(temporal.latestRun("never-started")).isEmpty();
  }

  @Test
  void aFileThatIsNotYamlOrGivesAKeyTwiceIsRefused() throws Exception {
    Path broken = file("broken.yaml", "name: [unclosed\n");
    Path twice = file("twice.yaml", "name: a\nname: b\n");

    GmuRun notYaml = temporal.gmu("start", "-f", broken.toString());
    GmuRun duplicated = temporal.gmu("start", "-f", twice.toString());
    GmuRun missing = temporal.gmu("start", "-f", dir.resolve("no-such.yaml").toString());

    assertThat(notYaml.exit()).isEqualTo(2);
    assertThat(notYaml.err()).contains("broken.yaml is not valid YAML");
    assertThat(duplicated.exit()).isEqualTo(2);
    assertThat(duplicated.err()).contains("Duplicate field 'name'");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("cannot read the fleet request");
  }

  @Test
  void fleetAloneListsItsCommands() {
    GmuRun alone = GmuRun.gmu("fleet");

    assertThat(alone.exit()).isEqualTo(2);
    assertThat(alone.err()).contains("start", "status", "watch", "approve", "continue", "resume");
  }
}
