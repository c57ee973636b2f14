package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.GmuRun.gmu;

import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {
  @TempDir Path dir;

  private Path history(String name, String json) throws Exception {
    return Files.writeString(dir.resolve(name), json);
  }

  @Test
  void aRecordedUpgradeIsReportedDeterministic() throws Exception {
    Path recorded = history("recorded.json", HistoryReplayTest.recorded());

    GmuRun replay = gmu("replay", recorded.toString());

    assertThat(replay.exit()).as(replay.err()).isZero();
    assertThat(replay.out())
        .contains(
            "deterministic: "
                + recorded
                + " (GlooMeshUpgrade) replays against the current "
                + "workflow code")
        .doesNotContain("terminated");
  }

  @Test
  void aHistoryThatScaledDownWhereTheCodeChecksConformanceIsReportedWithTheEventAndBothSides()
      throws Exception {
    String recorded = HistoryReplayTest.recorded();
    Path otherOrder =
        history(
            "other-order.json",
            recorded.replace("\"CheckConformanceToTarget\"", "\"ScaleDeployment\""));

    GmuRun replay = gmu("replay", otherOrder.toString());

    assertThat(replay.exit()).as(replay.err()).isEqualTo(3);
    assertThat(replay.out())
        .contains("NON-DETERMINISTIC: " + otherOrder + " (GlooMeshUpgrade) does not replay")
        .contains("\n  at event 18 (EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)\n")
        .contains(
            "\n  activityType: the history has ScaleDeployment, the code now does CheckConformanceToTarget\n")
        .contains("\n  replayer: Failure handling event 18");
  }

  @Test
  void aHistoryOfAnotherWorkflowTypeIsRefusedWithoutAVerdict() throws Exception {
    Path other =
        history(
            "other.json",
            HistoryReplayTest.recorded().replace("\"GlooMeshUpgrade\"", "\"Payments\""));

    GmuRun replay = gmu("replay", other.toString());

    assertThat(replay.exit()).isEqualTo(1);
    assertThat(replay.out()).isEmpty();
    assertThat(replay.err())
        .contains(
            "workflow type Payments is not one of ours (GlooMeshBackupList, GlooMeshRestore, GlooMeshUpgrade)");
  }

  @Test
  void aMissingOrUnreadableFileIsAnErrorNotAVerdict() throws Exception {
    GmuRun missing = gmu("replay", dir.resolve("none.json").toString());
    GmuRun notAHistory = gmu("replay", history("notes.json", "{\"hello\": 1}").toString());

    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("cannot read " + dir.resolve("none.json"));
    assertThat(notAHistory.exit()).isEqualTo(1);
    assertThat(notAHistory.err()).contains("error: not a workflow history: it has no events");
  }

  @Test
  void aRunFetchedFromTemporalIsReplayedByWorkflowId() throws Exception {
    try (LocalRun run = new LocalRun()) {
      GmuRun replay = gmu("replay", "--address", run.address(), "-w", LocalRun.ID);

      assertThat(replay.exit()).as(replay.err()).isZero();
      assertThat(replay.out()).contains("deterministic: " + LocalRun.ID + " (GlooMeshUpgrade)");
    }
  }

  @Test
  void aTerminatedRunIsReplayedUpToItsTerminationAndReportedDeterministicSayingSo()
      throws Exception {
    try (LocalRun run = new LocalRun()) {
      WorkflowStub.fromTyped(run.workflow)
          .terminate("operator stopped the run waiting in preflight");

      GmuRun replay = gmu("replay", "--address", run.address(), "-w", LocalRun.ID);

      assertThat(replay.exit()).as(replay.err()).isZero();
      assertThat(replay.out())
          .contains(
              "deterministic: "
                  + LocalRun.ID
                  + " (GlooMeshUpgrade) replays against the "
                  + "current workflow code; the run was terminated (its termination, which no workflow code commands, is not "
                  + "replayed)");
    }
  }
}
