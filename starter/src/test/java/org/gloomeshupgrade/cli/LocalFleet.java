package org.gloomeshupgrade.cli;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.gloomeshupgrade.fleet.FleetReport;
import org.gloomeshupgrade.fleet.FleetResume;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.GlooMeshFleetWorkflow;
import org.gloomeshupgrade.testkit.LocalTemporalServer;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeStatus;

/**
 * Temporal's test server on loopback with a worker running {@link StandInFleet} and {@link
 * StandInPlane}: fleets whose status the test sets, reached by the commands with {@code --address}.
 */
final class LocalFleet implements AutoCloseable {
  private final LocalTemporalServer server = LocalTemporalServer.start(0);
  private final WorkflowServiceStubs service =
      WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build());
  final WorkflowClient client =
      WorkflowClient.newInstance(
          service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
  private final WorkerFactory workers = WorkerFactory.newInstance(client);

  LocalFleet() {
    workers
        .newWorker(UpgradeNames.TASK_QUEUE)
        .registerWorkflowImplementationTypes(StandInFleet.class, StandInPlane.Run.class);
    workers.start();
  }

  /** {@code gmu fleet <command> --address <this server> <args>}. */
  GmuRun gmu(String command, String... args) {
    List<String> all = new ArrayList<>(List.of("fleet", command, "--address", server.address()));
    all.addAll(List.of(args));
    return GmuRun.gmu(all.toArray(String[]::new));
  }

  /**
   * A fleet of two waves, staging (staging-mgmt) and prod (prod-us, prod-eu), to 0.12.8 with
   * per-wave approval, as JSON.
   */
  static JsonNode request(String name) {
    try {
      return new ObjectMapper()
          .readTree(
              """
              {"name": "%s", "targetVersion": "0.12.8", "approval": "per-wave",
               "waves": [{"name": "staging", "contexts": ["staging-mgmt"]},
                         {"name": "prod", "contexts": ["prod-us", "prod-eu"], "concurrency": 2}]}"""
                  .formatted(name));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts {@link #request} as gmu fleet start would, without a file; returns the run ID. */
  String start(String name) {
    GlooMeshFleetWorkflow fleet =
        client.newWorkflowStub(
            GlooMeshFleetWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(UpgradeNames.fleetWorkflowId(name))
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build());
    FleetResume none = null;
    String run = WorkflowClient.start(fleet::upgrade, request(name), none).getRunId();
    until(name, s -> s != null);
    return run;
  }

  /** Has the fleet show {@code status}, and waits until it does. */
  void show(String name, FleetStatus status) {
    client
        .newUntypedWorkflowStub(UpgradeNames.fleetWorkflowId(name))
        .signal(StandInFleet.SHOW, status);
    until(name, status::equals);
  }

  FleetStatus until(String name, Predicate<FleetStatus> wanted) {
    GlooMeshFleetWorkflow fleet =
        client.newWorkflowStub(GlooMeshFleetWorkflow.class, UpgradeNames.fleetWorkflowId(name));
    return await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(fleet::status, wanted);
  }

  void terminate(String name) {
    client
        .newUntypedWorkflowStub(UpgradeNames.fleetWorkflowId(name))
        .terminate("operator stopped the fleet");
  }

  /** Waits until the fleet's latest run has completed. */
  void completed(String name) {
    client.newUntypedWorkflowStub(UpgradeNames.fleetWorkflowId(name)).getResult(FleetReport.class);
  }

  /** A plane's upgrade run, as its status query shows it; returns its run ID. */
  String plane(String context, UpgradeStatus status) {
    StandInPlane plane =
        client.newWorkflowStub(
            StandInPlane.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(UpgradeNames.workflowId(context))
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build());
    String run = WorkflowClient.start(plane::run, status).getRunId();
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> plane.status() != null);
    return run;
  }

  /** The latest run of the fleet, empty when it has none. */
  String latestRun(String name) {
    return FleetRun.latest(client, UpgradeNames.fleetWorkflowId(name))
        .map(FleetRun::runId)
        .orElse("");
  }

  @Override
  public void close() {
    workers.shutdownNow();
    service.shutdown();
    server.close();
  }
}
