package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.GmuRun.gmu;

import java.nio.file.Files;
import java.nio.file.Path;
import org.gloomeshupgrade.fleet.FleetReport;
import org.gloomeshupgrade.fleet.FleetState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The `gmu fleet` commands against the real fleet workflow and the real worker registration, over
 * {@link HealthyMesh}: the commands' tests with a stand-in fleet check their wording and exit
 * codes; this one checks that they fit the workflow they drive.
 */
class FleetCommandsOnARealFleetTest {
  private final LocalTemporal temporal = new LocalTemporal(new HealthyMesh());

  @TempDir Path dir;

  @AfterEach
  void stop() {
    temporal.close();
  }

  private GmuRun fleet(String command, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "fleet";
    all[1] = command;
    all[2] = "--address";
    all[3] = temporal.address();
    System.arraycopy(args, 0, all, 4, args.length);
    return gmu(all);
  }

  @Test
  void aFleetStartedFromAFileWaitsForItsWaveApprovalAndEndsGreenOnceApproved() throws Exception {
    Path file = dir.resolve("fleet.yaml");
    Files.writeString(
        file,
        """
        name: mesh
        targetVersion: 0.11.3
        common:
          requestedBy: alice
        waves:
          - name: only
            contexts: [mgmt]
        soak: 0s
        approval: per-wave
        """);

    GmuRun started = fleet("start", "-f", file.toString());
    assertThat(started.exit()).as(started.err()).isZero();
    assertThat(started.out()).contains("gloo-mesh-fleet-mesh");

    GmuRun waiting = fleet("watch", "--fleet", "mesh", "--interval", "200ms");
    assertThat(waiting.exit()).as(waiting.out() + waiting.err()).isEqualTo(2);
    assertThat(waiting.out()).contains("gmu fleet approve");

    GmuRun bySelf =
        fleet("approve", "--fleet", "mesh", "--wave", "only", "--by", "alice", "--reason", "mine");
    assertThat(bySelf.exit()).isEqualTo(1);
    assertThat(bySelf.err())
        .contains("mgmt: alice requested this upgrade and may not approve wave only");

    GmuRun approved =
        fleet("approve", "--fleet", "mesh", "--wave", "only", "--by", "carol", "--reason", "CHG-7");
    assertThat(approved.exit()).as(approved.err()).isZero();
    assertThat(approved.out()).contains("wave only approved by carol");

    GmuRun done = fleet("watch", "--fleet", "mesh", "--interval", "200ms");
    assertThat(done.exit()).as(done.out() + done.err()).isZero();
    FleetReport report =
        temporal.client.newUntypedWorkflowStub("gloo-mesh-fleet-mesh").getResult(FleetReport.class);
    assertThat(report.outcome()).as(report.summary()).isEqualTo(FleetState.SUCCEEDED);

    GmuRun status = fleet("status", "--fleet", "mesh");
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("SUCCEEDED").contains("mgmt").contains("carol");
  }
}
