package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflowImpl;
import org.gloomeshupgrade.deployments.DeploymentActivities;
import org.gloomeshupgrade.deployments.ScaleInput;
import org.gloomeshupgrade.preflight.PreflightActivities;
import org.gloomeshupgrade.preflight.PreflightInput;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflowImpl;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.Test;

class HistoryReplayTest {
  /**
   * A full upgrade recorded with the backup and preflight's conformance check (a copy of the
   * workflows module's).
   */
  static final String RECORDED =
      "/histories/full-upgrade-0.10.10-to-0.11.3-with-backup-and-preflight-conformance.json";

  static String recorded() throws IOException {
    try (InputStream in = HistoryReplayTest.class.getResourceAsStream(RECORDED)) {
      assertThat(in).as(RECORDED).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aRecordedUpgradeIsDeterministicAgainstTheCurrentWorkflow() throws Exception {
    String json = recorded();

    assertThat(HistoryReplay.workflowType(json)).isEqualTo("GlooMeshUpgrade");
    assertThat(HistoryReplay.replay(json, GlooMeshUpgradeWorkflowImpl.class)).isEmpty();
  }

  @Test
  void
      aWorkflowThatScalesDownStraightAfterPreflightDivergesAtTheEventWhereTheHistoryDidSomethingElse()
          throws Exception {
    HistoryReplay.Divergence divergence =
        HistoryReplay.replay(recorded(), ScaleDownAfterPreflight.class).orElseThrow();

    assertThat(divergence.event()).isEqualTo("event 18 (EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)");
    assertThat(divergence.mismatch())
        .isEqualTo(
            "activityType: the history has CheckConformanceToTarget, the code now does ScaleDeployment");
    assertThat(divergence.message())
        .startsWith("Failure handling event 18")
        .doesNotContain("TMPRL1100", "\n", "at io.temporal")
        .endsWith("an actual value 'name: \"CheckConformanceToTarget\" '.");
  }

  @Test
  void eachWorkflowTypeReplaysAgainstItsOwnCodeAndAnUnknownOneIsRefused() {
    assertThat(HistoryReplay.workflowFor("GlooMeshUpgrade"))
        .isEqualTo(GlooMeshUpgradeWorkflowImpl.class);
    assertThat(HistoryReplay.workflowFor("GlooMeshRestore"))
        .isEqualTo(GlooMeshRestoreWorkflowImpl.class);
    assertThatThrownBy(() -> HistoryReplay.workflowFor("OtherTeamsWorkflow"))
        .hasMessage(
            "workflow type OtherTeamsWorkflow is not one of ours (GlooMeshBackupList, GlooMeshRestore, GlooMeshUpgrade)");
  }

  /**
   * Only the workflow method, under the upgrade's type: enough to replay up to where it parts from
   * a history.
   */
  @WorkflowInterface
  public interface UpgradeOnly {
    @WorkflowMethod(name = UpgradeNames.WORKFLOW_TYPE)
    UpgradeReport upgrade(JsonNode request);
  }

  /**
   * The runbook reordered: the scale-down straight after preflight, before preflight's conformance
   * check and tooling.
   */
  public static class ScaleDownAfterPreflight implements UpgradeOnly {
    @Override
    public UpgradeReport upgrade(JsonNode raw) {
      UpgradeRequest request = UpgradeRequestParser.parse(raw);
      ActivityOptions options =
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build();
      var pre =
          Workflow.newActivityStub(PreflightActivities.class, options)
              .preflight(
                  new PreflightInput(
                      request.managementContext(),
                      request.namespace(),
                      request.discoveryDeployment(),
                      request.networkingDeployment(),
                      request.clusters(),
                      request.clusterContexts(),
                      request.remoteNamespace(),
                      null));
      Workflow.newActivityStub(DeploymentActivities.class, options)
          .scale(
              new ScaleInput(
                  pre.context(), request.namespace(), request.networkingDeployment(), 0, 60));
      return null;
    }
  }
}
