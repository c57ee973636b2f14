package org.gloomeshupgrade.worker;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.backup.RestoreRequest;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.backup.RestoreState;
import org.gloomeshupgrade.backup.RestoreStatus;
import org.gloomeshupgrade.heartbeat.KeepAliveInterceptor;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeSearchAttributes;
import org.gloomeshupgrade.workflow.UpgradeStatus;

/**
 * The real worker (workflow and real activities) over simulated clusters, on Temporal's test server
 * in real time: timers and activities run as they would in production, with short intervals.
 */
final class UpgradeHarness implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ID = UpgradeNames.workflowId("mgmt");

  final SimulatedGlooMesh sim;
  final TestWorkflowEnvironment env;
  final WorkflowClient client;
  private final KubernetesClients clients;
  private final KeepAliveInterceptor keepAlive = new KeepAliveInterceptor();

  UpgradeHarness(SimulatedGlooMesh sim) {
    this(sim, sim.kubeconfig());
  }

  /**
   * A worker whose credentials are the given kubeconfig's, e.g. a service account's with only
   * granted permissions.
   */
  UpgradeHarness(SimulatedGlooMesh sim, Path kubeconfig) {
    this(sim, kubeconfig, clients -> UpgradeWorker.activities(clients, trusted(sim)));
  }

  /**
   * @param activities replaces some of the real activity implementations (built over the worker's
   *     clients) with stand-ins, e.g. a control plane whose installer behaves like a chart that
   *     sets replicas
   */
  UpgradeHarness(
      SimulatedGlooMesh sim,
      Path kubeconfig,
      Function<KubernetesClients, List<Object>> activities) {
    this.sim = sim;
    this.env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkerFactoryOptions(UpgradeWorker.factoryOptions(keepAlive))
                .build());
    this.clients = new KubernetesClients(kubeconfig, "mgmt");
    UpgradeSearchAttributes.ALL.forEach(env::registerSearchAttribute);
    UpgradeWorker.register(
        env.getWorkerFactory(), UpgradeNames.TASK_QUEUE, activities.apply(clients));
    env.start();
    this.client = env.getWorkflowClient();
  }

  /**
   * What the worker over the simulated clusters trusts: the defaults and the simulator's chart and
   * CRD folder, as an operator trusts a mirror.
   */
  static TrustedSources trusted(SimulatedGlooMesh sim) {
    return TrustedSources.defaults().withFolder(sim.sourcesFolder());
  }

  /** A request for the simulated clusters, with intervals short enough for a test. */
  ObjectNode request(String targetVersion) {
    return sim.upgradeRequest(targetVersion)
        .put("discoveryPollInterval", "200ms")
        .put("discoverySettleWindow", "2s")
        .put("discoveryTimeout", "30s")
        .put("networkingTimeout", "20s")
        .put("scaleTimeout", "20s");
  }

  GlooMeshUpgradeWorkflow start(ObjectNode request) {
    GlooMeshUpgradeWorkflow wf =
        client.newWorkflowStub(
            GlooMeshUpgradeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ID)
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build());
    WorkflowClient.start(wf::upgrade, request);
    return wf;
  }

  static UpgradeStatus awaitStatus(GlooMeshUpgradeWorkflow wf, Predicate<UpgradeStatus> wanted) {
    return awaitStatus(wf, wanted, Duration.ofSeconds(60));
  }

  /**
   * Waits for a status the predicate wants; fails with where the run stands after {@code atMost}.
   */
  static UpgradeStatus awaitStatus(
      GlooMeshUpgradeWorkflow wf, Predicate<UpgradeStatus> wanted, Duration atMost) {
    AtomicReference<UpgradeStatus> last = new AtomicReference<>();
    try {
      await()
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(100))
          .failFast(
              "the run ended first",
              () -> last.get() != null && last.get().state().finished() && !wanted.test(last.get()))
          .until(
              () -> {
                last.set(wf.status());
                return wanted.test(last.get());
              });
    } catch (ConditionTimeoutException e) {
      UpgradeStatus at = last.get();
      throw new AssertionError(
          at == null
              ? "no status within %s".formatted(atMost)
              : "not the wanted status within %s; the run is %s at %s: %s"
                  .formatted(atMost, at.state(), at.currentStep(), at.attention()),
          e);
    }
    return last.get();
  }

  /**
   * The run's report; a run still going after three minutes fails the test with where it stands,
   * instead of hanging it.
   */
  static UpgradeReport result(GlooMeshUpgradeWorkflow wf) {
    try {
      return WorkflowStub.fromTyped(wf).getResult(3, TimeUnit.MINUTES, UpgradeReport.class);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "the run did not end within 3 minutes; its status: " + wf.status(), e);
    }
  }

  /** Starts the restore of a backup, as `gmu restore` does. */
  GlooMeshRestoreWorkflow startRestore(RestoreRequest request) {
    GlooMeshRestoreWorkflow restore =
        client.newWorkflowStub(
            GlooMeshRestoreWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(UpgradeNames.restoreWorkflowId(request.backupId()))
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build());
    WorkflowClient.start(restore::restore, request);
    return restore;
  }

  static RestoreStatus awaitRestore(GlooMeshRestoreWorkflow restore, RestoreState state) {
    return await().atMost(Duration.ofSeconds(60)).until(restore::status, s -> s.state() == state);
  }

  /** The restore's result; one still going after a minute fails the test with its status. */
  static RestoreResult restoreResult(GlooMeshRestoreWorkflow restore) {
    try {
      return WorkflowStub.fromTyped(restore).getResult(1, TimeUnit.MINUTES, RestoreResult.class);
    } catch (TimeoutException e) {
      throw new AssertionError("the restore did not end: " + restore.status(), e);
    }
  }

  String historyJson() {
    return client.fetchHistory(ID).toJson(true);
  }

  @Override
  public void close() {
    env.close();
    clients.close();
    keepAlive.close();
  }
}
