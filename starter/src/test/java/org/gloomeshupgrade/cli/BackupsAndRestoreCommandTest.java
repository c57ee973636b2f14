package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.gloomeshupgrade.cli.GmuRun.gmu;

import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gloomeshupgrade.backup.BackupActivities;
import org.gloomeshupgrade.backup.BackupInput;
import org.gloomeshupgrade.backup.BackupList;
import org.gloomeshupgrade.backup.BackupListInput;
import org.gloomeshupgrade.backup.BackupResult;
import org.gloomeshupgrade.backup.BackupSummary;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.backup.RestoreInput;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.backup.RestoreState;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * `gmu backups`, `gmu restore` and the approval of a restore with `gmu approve`, against a worker
 * whose backups are a fixed shelf.
 */
class BackupsAndRestoreCommandTest {
  private static final String OLDER = "gloo-mesh-upgrade-mgmt@0f1e2d3c-0000-4000-8000-000000000001";
  private static final String NEWER = "gloo-mesh-upgrade-mgmt@0f1e2d3c-0000-4000-8000-000000000002";

  private final Shelf shelf = new Shelf();
  private final LocalTemporal temporal = new LocalTemporal(shelf);

  @AfterEach
  void stop() {
    temporal.close();
  }

  @Test
  void backupsListsTheClustersBackupsNewestFirstWithWhatEachHolds() {
    GmuRun listed = gmuAt("backups", "--context", "mgmt");

    assertThat(listed.exit()).as(listed.err()).isZero();
    assertThat(listed.out())
        .contains("2 backup(s) in gloo-mesh on mgmt; the worker keeps the newest 5")
        .contains("restore one with: gmu restore --backup <BACKUP> --reason <why>");
    List<String> lines = listed.out().lines().toList();
    assertThat(lines.get(2))
        .startsWith(NEWER)
        .contains("2026-11-02T10:00:00Z", "0.11.3", "0.12.0", "14", "2.0 KiB");
    assertThat(lines.get(3))
        .startsWith(OLDER)
        .contains("0.10.10", "0.11.3", "12", "900 B", "NOT RESTORABLE: incomplete");
    assertThat(shelf.listed).containsExactly(new BackupListInput("mgmt", "gloo-mesh"));
  }

  @Test
  void aRestoreWaitsForAnotherPersonsApprovalAndTheRequesterCannotGiveIt() {
    GmuRun started =
        gmuAt(
            "restore",
            "--backup",
            NEWER,
            "--context",
            "mgmt",
            "--by",
            "alice",
            "--reason",
            "CHG-7",
            "--detach");
    assertThat(started.exit()).as(started.err()).isZero();
    String id = UpgradeNames.restoreWorkflowId(NEWER);
    assertThat(started.out())
        .contains("restore of backup " + NEWER + " started: workflow " + id)
        .contains("awaiting approval to restore backup " + NEWER + " on mgmt")
        .contains("other than alice");

    GmuRun byAlice = gmuAt("approve", "--workflow-id", id, "--by", "alice", "--reason", "mine");
    assertThat(byAlice.exit()).isNotZero();
    assertThat(byAlice.err())
        .contains(
            "alice requested this restore and may not approve it (allowSelfApproval is false)");
    assertThat(shelf.restored).isEmpty();
    GmuRun status = gmuAt("status", "--workflow-id", id);
    assertThat(status.out()).contains("restore AWAITING_APPROVAL of backup " + NEWER);

    GmuRun byBob = gmuAt("approve", "--workflow-id", id, "--by", "bob", "--reason", "CHG-7 ok");
    assertThat(byBob.exit()).as(byBob.err()).isZero();
    WorkflowStub.fromTyped(temporal.client.newWorkflowStub(GlooMeshRestoreWorkflow.class, id))
        .getResult(RestoreResult.class);
    assertThat(shelf.restored).containsExactly(new RestoreInput("mgmt", "gloo-mesh", NEWER));
    assertThat(gmuAt("status", "--workflow-id", id).out())
        .contains("restore RESTORED")
        .contains("approved by bob: CHG-7 ok")
        .contains("created  TrafficPolicy gloo-mesh/mgmt-retries");
  }

  @Test
  void aRestoreTheRequestAllowsToSelfApproveRunsAtOnceAndPrintsWhatItPutBack() {
    GmuRun restored =
        gmuAt(
            "restore",
            "--backup",
            NEWER,
            "--context",
            "mgmt",
            "--by",
            "alice",
            "--reason",
            "CHG-8",
            "--allow-self-approval");

    assertThat(restored.exit()).as(restored.err()).isZero();
    assertThat(restored.out())
        .contains("restored the backup " + NEWER + ": 1 created, 0 updated, 3 unchanged")
        .doesNotContain("awaiting");
  }

  @Test
  void aRejectedRestoreEndsWithAnErrorAndChangesNothing() {
    gmuAt(
        "restore",
        "--backup",
        OLDER,
        "--context",
        "mgmt",
        "--by",
        "alice",
        "--reason",
        "x",
        "--detach");
    String id = UpgradeNames.restoreWorkflowId(OLDER);

    GmuRun rejected = gmuAt("reject", "--workflow-id", id, "--by", "bob", "--reason", "wrong one");

    assertThat(rejected.exit()).as(rejected.err()).isZero();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                temporal.client.newWorkflowStub(GlooMeshRestoreWorkflow.class, id).status().state(),
            RestoreState.REJECTED::equals);
    assertThat(shelf.restored).isEmpty();
  }

  private GmuRun gmuAt(String command, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = command;
    all[1] = "--address";
    all[2] = temporal.address();
    System.arraycopy(args, 0, all, 3, args.length);
    return gmu(all);
  }

  /** Two backups of mgmt, the older one incomplete; restores are recorded. */
  static final class Shelf implements BackupActivities {
    final List<BackupListInput> listed = new CopyOnWriteArrayList<>();
    final List<RestoreInput> restored = new CopyOnWriteArrayList<>();

    @Override
    public BackupResult backup(BackupInput input) {
      throw new UnsupportedOperationException("no upgrades here");
    }

    @Override
    public RestoreResult restore(RestoreInput input) {
      restored.add(input);
      return new RestoreResult(
          input.backupId(), List.of("TrafficPolicy gloo-mesh/mgmt-retries"), List.of(), 3);
    }

    @Override
    public BackupList list(BackupListInput input) {
      listed.add(input);
      return new BackupList(
          input.context(),
          input.namespace(),
          5,
          List.of(
              new BackupSummary(
                  NEWER,
                  "gloo-mesh-upgrade-mgmt",
                  "2026-11-02T10:00:00.123456Z",
                  "0.11.3",
                  "0.12.0",
                  2048,
                  14,
                  ""),
              new BackupSummary(
                  OLDER,
                  "gloo-mesh-upgrade-mgmt",
                  "2026-10-01T10:00:00Z",
                  "0.10.10",
                  "0.11.3",
                  900,
                  12,
                  "incomplete: it has chunks [0] of 2")));
    }
  }
}
