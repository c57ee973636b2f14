package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * A dry run of the real workflow over {@link DryRunMesh}, on {@link LocalTemporal}. It stops in
 * preflight for a person.
 */
final class LocalRun implements AutoCloseable {
  static final String ID = "gloo-mesh-upgrade-mgmt";

  private final LocalTemporal temporal = new LocalTemporal(new DryRunMesh());
  final GlooMeshUpgradeWorkflow workflow;

  LocalRun() throws Exception {
    workflow =
        temporal.client.newWorkflowStub(
            GlooMeshUpgradeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ID)
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build());
    WorkflowClient.start(
        workflow::upgrade,
        new ObjectMapper()
            .readTree(
                "{\"targetVersion\":\"0.11.3\",\"managementContext\":\"mgmt\",\"dryRun\":true}"));
    LocalTemporal.until(workflow, s -> s.state() == RunState.NEEDS_ATTENTION);
  }

  String address() {
    return temporal.address();
  }

  @Override
  public void close() {
    temporal.close();
  }
}
