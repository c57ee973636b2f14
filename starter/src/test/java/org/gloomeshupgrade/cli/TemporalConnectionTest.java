package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.GmuRun.gmu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How gmu says it could not use or reach Temporal, for every command that talks to it. */
class TemporalConnectionTest {
  @TempDir Path tmp;

  /** {@code gmu status} of the usual run with these connection flags and no profile file. */
  private GmuRun status(String... connection) throws Exception {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "status",
            "-w",
            "gloo-mesh-upgrade-mgmt",
            "--config-file",
            Files.writeString(tmp.resolve("temporal.toml"), "").toString()));
    args.addAll(List.of(connection));
    return gmu(args.toArray(String[]::new));
  }

  @Test
  void aMissingApiKeyFileIsNamedBeforeAnyCall() throws Exception {
    Path missing = tmp.resolve("no-such-key");

    GmuRun run = status("--api-key-file", missing.toString());

    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("the API key file %s is not readable".formatted(missing));
  }

  @Test
  void anUnreachableTemporalIsNamedWithoutTheKey() throws Exception {
    Path key = Files.writeString(tmp.resolve("api-key"), "key-that-must-never-show");

    GmuRun run = status("--address", "127.0.0.1:1", "--api-key-file", key.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("cannot reach Temporal (UNAVAILABLE)")
        .contains("--api-key-file")
        .doesNotContain("key-that-must-never-show");
  }
}
