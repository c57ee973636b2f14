package org.gloomeshupgrade.cli;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import org.gloomeshupgrade.testkit.LocalTemporalServer;
import org.gloomeshupgrade.worker.SearchAttributeRegistration;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflowImpl;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * A dry run of the real workflow over {@link DryRunMesh}, on Temporal's test server on loopback with a worker in
 * this JVM: the commands reach it with {@code --address}, as they would a real Temporal. It stops in preflight for a
 * person.
 */
final class LocalRun implements AutoCloseable {
  static final String ID = "gloo-mesh-upgrade-mgmt";

  final LocalTemporalServer temporal = LocalTemporalServer.start(0);
  private final WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
      WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
  final WorkflowClient client = WorkflowClient.newInstance(service,
      WorkflowClientOptions.newBuilder().setNamespace("default").build());
  private final WorkerFactory workers = WorkerFactory.newInstance(client);
  final GlooMeshUpgradeWorkflow workflow;

  LocalRun() throws Exception {
    SearchAttributeRegistration.ensure(service, "default");
    var worker = workers.newWorker(UpgradeNames.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(GlooMeshUpgradeWorkflowImpl.class);
    worker.registerActivitiesImplementations(new DryRunMesh());
    workers.start();
    workflow = client.newWorkflowStub(GlooMeshUpgradeWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ID).setTaskQueue(UpgradeNames.TASK_QUEUE).build());
    WorkflowClient.start(workflow::upgrade,
        new ObjectMapper().readTree("{\"targetVersion\":\"0.11.3\",\"managementContext\":\"mgmt\",\"dryRun\":true}"));
    await().atMost(Duration.ofSeconds(20)).until(() -> workflow.status().state() == RunState.NEEDS_ATTENTION);
  }

  String address() {
    return temporal.address();
  }

  @Override
  public void close() {
    workers.shutdownNow();
    service.shutdown();
    temporal.close();
  }
}
