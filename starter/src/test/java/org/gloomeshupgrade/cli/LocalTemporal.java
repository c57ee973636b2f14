package org.gloomeshupgrade.cli;

import static org.awaitility.Awaitility.await;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.gloomeshupgrade.heartbeat.KeepAliveInterceptor;
import org.gloomeshupgrade.testkit.LocalTemporalServer;
import org.gloomeshupgrade.worker.SearchAttributeRegistration;
import org.gloomeshupgrade.worker.UpgradeWorker;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeStatus;

/**
 * Temporal's test server on loopback with a worker in this JVM, registered as the worker jar
 * registers it (reading earlier runs included) but over stand-in activities: the commands reach it
 * with {@code --address}, as they would a real Temporal.
 */
final class LocalTemporal implements AutoCloseable {
  private final LocalTemporalServer server = LocalTemporalServer.start(0);
  private final WorkflowServiceStubs service =
      WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build());
  final WorkflowClient client =
      WorkflowClient.newInstance(
          service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
  private final KeepAliveInterceptor keepAlive = new KeepAliveInterceptor();
  private final WorkerFactory workers =
      WorkerFactory.newInstance(client, UpgradeWorker.factoryOptions(keepAlive));

  LocalTemporal(Object... activities) {
    SearchAttributeRegistration.ensure(service, "default");
    UpgradeWorker.register(workers, UpgradeNames.TASK_QUEUE, List.of(activities));
    workers.start();
  }

  String address() {
    return server.address();
  }

  /** The latest run of the workflow ID, as the commands find it. */
  GlooMeshUpgradeWorkflow latest(String workflowId) {
    return client.newWorkflowStub(GlooMeshUpgradeWorkflow.class, workflowId);
  }

  /** The run's status once it is as wanted; fails at once if the run ends otherwise. */
  static UpgradeStatus until(GlooMeshUpgradeWorkflow run, Predicate<UpgradeStatus> wanted) {
    AtomicReference<UpgradeStatus> last = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .failFast(
            "the run ended otherwise",
            () -> last.get() != null && last.get().state().finished() && !wanted.test(last.get()))
        .until(
            () -> {
              last.set(run.status());
              return wanted.test(last.get());
            });
    return last.get();
  }

  @Override
  public void close() {
    workers.shutdownNow();
    service.shutdown();
    server.close();
    keepAlive.close();
  }
}
