package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.GmuRun.gmu;

import io.temporal.client.WorkflowStub;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflowImpl;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCommandTest {
  @Test
  void theExportedHistoryOfARunWithActivitiesASignalAndATimerReplaysAgainstTheWorkflow(
      @TempDir Path dir) throws Exception {
    try (LocalRun run = new LocalRun()) {
      run.workflow.decide(
          new StepDecision(
              Step.PREFLIGHT,
              Decision.ACCEPT,
              "alice",
              "CHG-42: field unused",
              run.workflow.status().gate()));
      WorkflowStub.fromTyped(run.workflow).getResult(UpgradeReport.class);
      Path file = dir.resolve("history.json");

      GmuRun exported =
          gmu("history", "--address", run.address(), "-w", LocalRun.ID, "-o", file.toString());

      assertThat(exported.exit()).as(exported.err()).isZero();
      assertThat(exported.out()).contains("history of " + LocalRun.ID + " written to " + file);
      String json = Files.readString(file);
      assertThat(json)
          .contains(
              "CheckConformanceToTarget",
              "DryRunControlPlane",
              "EVENT_TYPE_TIMER_STARTED",
              "EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED",
              "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED");
      WorkflowReplayer.replayWorkflowExecution(json, GlooMeshUpgradeWorkflowImpl.class);
    }
  }

  @Test
  void withoutAFileTheHistoryGoesToStandardOutput() throws Exception {
    try (LocalRun run = new LocalRun()) {
      GmuRun exported = gmu("history", "--address", run.address(), "-w", LocalRun.ID);

      assertThat(exported.exit()).as(exported.err()).isZero();
      assertThat(exported.out())
          .startsWith("{")
          .contains("EVENT_TYPE_WORKFLOW_EXECUTION_STARTED", "GlooMeshUpgrade");
    }
  }
}
