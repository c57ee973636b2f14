package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RequestOptionsTest {
  private static final String USER = System.getProperty("user.name");

  private static ObjectNode parse(String... args) throws Exception {
    RequestOptions options = new RequestOptions();
    new CommandLine(options).parseArgs(args);
    return options.toJson();
  }

  @Test
  void writesOnlyTheFlagsGivenSoEveryOtherFieldKeepsItsDefault() throws Exception {
    // Who asks is always recorded: the rule against approving one's own upgrade needs it.
    assertThat(parse("--target-version", "0.11.3").toString())
        .isEqualTo("{\"targetVersion\":\"0.11.3\",\"requestedBy\":\"" + USER + "\"}");
  }

  @Test
  void mapsEveryFlagToItsField() throws Exception {
    ObjectNode json =
        parse(
            "-t",
            "0.12.8",
            "--context",
            "prod",
            "--install-method",
            "manifests",
            "--cluster",
            "east=ctx-east",
            "--cluster",
            "west",
            "--discovery-timeout",
            "1h",
            "--no-approval",
            "--dry-run",
            "--helm-values",
            "/etc/gmu/base.yaml",
            "--helm-values",
            "/etc/gmu/site.yaml",
            "--registration-concurrency",
            "12",
            "--agent-charts",
            "none");

    assertThat(json.toString())
        .isEqualTo(
            "{\"targetVersion\":\"0.12.8\",\"managementContext\":\"prod\","
                + "\"installMethod\":\"manifests\",\"helmValuesFiles\":[\"/etc/gmu/base.yaml\",\"/etc/gmu/site.yaml\"],"
                + "\"registrationConcurrency\":12,\"agentCharts\":\"none\",\"discoveryTimeout\":\"1h\",\"requestedBy\":\""
                + USER
                + "\",\"requireApproval\":false,\"dryRun\":true,"
                + "\"clusters\":[\"east\",\"west\"],\"clusterContexts\":{\"east\":\"ctx-east\"}}");
  }

  @Test
  void flagsOverrideTheInputFile(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("request.json");
    Files.writeString(
        input, "{\"targetVersion\":\"0.11.3\",\"namespace\":\"mesh\",\"requestedBy\":\"carol\"}");

    ObjectNode json = parse("--input", input.toString(), "-t", "0.12.0");

    assertThat(json.toString())
        .as("the file's requester is kept")
        .isEqualTo(
            "{\"targetVersion\":\"0.12.0\",\"namespace\":\"mesh\",\"requestedBy\":\"carol\"}");
  }
}
