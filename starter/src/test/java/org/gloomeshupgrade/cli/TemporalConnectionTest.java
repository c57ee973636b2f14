package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.GmuRun.gmu;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How gmu says it could not use or reach Temporal, for every command that talks to it. */
class TemporalConnectionTest {
  @TempDir Path tmp;

  private String emptyProfileFile() throws Exception {
    return Files.writeString(tmp.resolve("temporal.toml"), "").toString();
  }

  @Test
  void aMissingApiKeyFileIsNamedBeforeAnyCall() throws Exception {
    Path missing = tmp.resolve("no-such-key");

    GmuRun run =
        gmu(
            "status",
            "-w",
            "gloo-mesh-upgrade-mgmt",
            "--config-file",
            emptyProfileFile(),
            "--api-key-file",
            missing.toString());

    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("the API key file %s is not readable".formatted(missing));
  }

  @Test
  void anUnreachableTemporalIsNamedWithoutTheKey() throws Exception {
    Path key = Files.writeString(tmp.resolve("api-key"), "key-that-must-never-show");

    GmuRun run =
        gmu(
            "status",
            "-w",
            "gloo-mesh-upgrade-mgmt",
            "--config-file",
            emptyProfileFile(),
            "--address",
            "127.0.0.1:1",
            "--api-key-file",
            key.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("cannot reach Temporal (UNAVAILABLE)")
        .contains("--api-key-file")
        .doesNotContain("key-that-must-never-show");
  }
}
