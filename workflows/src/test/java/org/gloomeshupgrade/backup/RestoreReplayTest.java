package org.gloomeshupgrade.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.junit.jupiter.api.Test;

/**
 * Recorded restore histories replay on today's code, and the approval gate's version guard is what
 * lets one recorded before the gate replay. With {@code -Dgmu.recordHistory=DIR} the paths are
 * written to {@code DIR/<fixture>.json}, to be kept under {@code restore-histories}.
 */
class RestoreReplayTest {
  private static final String RECORD_TO = System.getProperty("gmu.recordHistory");
  private static final String BACKUP = "gloo-mesh-upgrade-mgmt";
  private static final String BEFORE_THE_GATE = "restore-before-the-approval-gate";
  private static final String APPROVED = "restore-approved-by-another-person";

  @Test
  void aRestoreRecordedBeforeTheGateReplaysOnlyWithTheGuard() throws Exception {
    WorkflowExecutionHistory recorded = fixture(BEFORE_THE_GATE);
    assertThat(recorded.toJson(false)).as("no version marker").doesNotContain("MARKER_RECORDED");

    replay(recorded, GlooMeshRestoreWorkflowImpl::new);

    assertThatThrownBy(() -> replay(recorded, () -> new GlooMeshRestoreWorkflowImpl(() -> 1)))
        .satisfies(e -> assertThat(nonDeterministic(e)).as(e.toString()).isTrue());
  }

  @Test
  void aRestoreApprovedByAnotherPersonReplays() throws Exception {
    WorkflowExecutionHistory recorded = fixture(APPROVED);
    assertThat(recorded.toJson(false))
        .as("the gate's version marker, and the approval by update")
        .contains("MARKER_RECORDED")
        .contains("approveNow");

    replay(recorded, GlooMeshRestoreWorkflowImpl::new);
  }

  /** Records both paths when asked to; otherwise checks that they still run as recorded. */
  @Test
  void thePathsTheFixturesWereRecordedFrom() throws Exception {
    keep(BEFORE_THE_GATE, record(BeforeTheGate::new, null));
    keep(
        APPROVED,
        record(
            GlooMeshRestoreWorkflowImpl::new,
            restore -> {
              awaitApproval(restore);
              assertThatThrownBy(
                      () -> restore.approveNow(new Approval("alice", "mine", "restore-approval")))
                  .hasStackTraceContaining("alice requested this restore");
              restore.approveNow(new Approval("bob", "CHG-1", "restore-approval"));
            }));
  }

  private static void awaitApproval(GlooMeshRestoreWorkflow restore) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (restore.status().state() != RestoreState.AWAITING_APPROVAL) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no approval awaited: " + restore.status());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** The workflow as it was before restores waited for an approval: one activity. */
  static final class BeforeTheGate implements GlooMeshRestoreWorkflow {
    private final BackupActivities backups =
        Workflow.newActivityStub(
            BackupActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());

    @Override
    public RestoreResult restore(RestoreRequest input) {
      return backups.restore(new RestoreInput("mgmt", "gloo-mesh", input.backupId()));
    }

    @Override
    public void approve(Approval approval) {}

    @Override
    public void reject(Approval rejection) {}

    @Override
    public String approveNow(Approval approval) {
      return "";
    }

    @Override
    public void validateApproveNow(Approval approval) {}

    @Override
    public String rejectNow(Approval rejection) {
      return "";
    }

    @Override
    public void validateRejectNow(Approval rejection) {}

    @Override
    public RestoreStatus status() {
      return null;
    }
  }

  private interface Answer {
    void to(GlooMeshRestoreWorkflow restore);
  }

  /** Runs a restore of {@link #BACKUP} requested by alice on the test server; its history. */
  private static WorkflowExecutionHistory record(
      Supplier<GlooMeshRestoreWorkflow> workflow, Answer answer) throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = env.newWorker(UpgradeNames.TASK_QUEUE);
      worker.registerWorkflowImplementationFactory(GlooMeshRestoreWorkflow.class, workflow::get);
      Shelf shelf = new Shelf();
      worker.registerActivitiesImplementations(shelf);
      env.start();
      String id = UpgradeNames.restoreWorkflowId(BACKUP);
      GlooMeshRestoreWorkflow restore =
          env.getWorkflowClient()
              .newWorkflowStub(
                  GlooMeshRestoreWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(id)
                      .setTaskQueue(UpgradeNames.TASK_QUEUE)
                      .build());
      WorkflowClient.start(
          restore::restore,
          new RestoreRequest("mgmt", "", BACKUP, "alice", "CHG-1", List.of(), false, ""));
      if (answer != null) {
        answer.to(restore);
      }
      RestoreResult result = WorkflowStub.fromTyped(restore).getResult(RestoreResult.class);
      assertThat(result.created()).containsExactly("TrafficPolicy gloo-mesh/mgmt-retries");
      assertThat(shelf.restored).containsExactly(BACKUP);
      return env.getWorkflowClient().fetchHistory(id);
    }
  }

  private static void keep(String fixture, WorkflowExecutionHistory history) throws Exception {
    if (RECORD_TO == null) {
      return;
    }
    String json =
        history
            .toJson(true)
            .replaceAll("\"identity\": \"[^\"]*\"", "\"identity\": \"worker@test\"");
    Path file = Path.of(RECORD_TO).resolve(fixture + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
  }

  private static WorkflowExecutionHistory fixture(String name) throws Exception {
    Path file =
        Path.of(
            RestoreReplayTest.class.getResource("/restore-histories/" + name + ".json").toURI());
    return WorkflowExecutionHistory.fromJson(Files.readString(file, StandardCharsets.UTF_8));
  }

  private static void replay(
      WorkflowExecutionHistory history, Supplier<GlooMeshRestoreWorkflow> workflow)
      throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker =
          env.newWorker(
              UpgradeNames.TASK_QUEUE,
              WorkerOptions.newBuilder()
                  .setDefaultDeadlockDetectionTimeout(Duration.ofSeconds(30).toMillis())
                  .build());
      worker.registerWorkflowImplementationFactory(GlooMeshRestoreWorkflow.class, workflow::get);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }

  private static boolean nonDeterministic(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NonDeterministicException
          || String.valueOf(t.getMessage()).contains("nondeterministic")
          || String.valueOf(t.getMessage()).contains("NonDeterministic")) {
        return true;
      }
    }
    return false;
  }

  /** One backup to restore; restores are counted. */
  static final class Shelf implements BackupActivities {
    final List<String> restored = new CopyOnWriteArrayList<>();

    @Override
    public BackupResult backup(BackupInput input) {
      throw new UnsupportedOperationException("no upgrades here");
    }

    @Override
    public RestoreResult restore(RestoreInput input) {
      restored.add(input.backupId());
      return new RestoreResult(
          input.backupId(), List.of("TrafficPolicy gloo-mesh/mgmt-retries"), List.of(), 3);
    }

    @Override
    public BackupList list(BackupListInput input) {
      return new BackupList(input.context(), input.namespace(), 5, List.of());
    }
  }
}
