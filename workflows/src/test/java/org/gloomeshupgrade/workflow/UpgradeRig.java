package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.function.Predicate;
import org.gloomeshupgrade.resume.ResumeActivitiesImpl;

/**
 * The workflow over a {@link FakeMesh} on Temporal's time-skipping test server, with the steps
 * tests repeat.
 */
final class UpgradeRig implements AutoCloseable {
  static final String ID = "gloo-mesh-upgrade-mgmt";
  private static final ObjectMapper JSON = new ObjectMapper();

  final TestWorkflowEnvironment env;
  final FakeMesh mesh;
  final RecordingNotifications notifications;
  final WorkflowClient client;

  UpgradeRig() {
    this(new FakeMesh());
  }

  /** Over a mesh that behaves otherwise, for example one whose deployments fail to scale. */
  UpgradeRig(FakeMesh mesh) {
    this(mesh, TestEnvironmentOptions.getDefaultInstance());
  }

  /** On a test server set up otherwise, for example with a metrics scope. */
  UpgradeRig(FakeMesh mesh, TestEnvironmentOptions options) {
    this(mesh, options, new RecordingNotifications());
  }

  /** With the destinations a test gives the worker. */
  UpgradeRig(FakeMesh mesh, TestEnvironmentOptions options, RecordingNotifications notifications) {
    this.env = TestWorkflowEnvironment.newInstance(options);
    this.mesh = mesh;
    this.notifications = notifications;
    UpgradeSearchAttributes.ALL.forEach(env::registerSearchAttribute);
    // Heartbeats reach the server at once, so that a cancelled activity learns it at once.
    Worker worker =
        env.newWorker(
            UpgradeNames.TASK_QUEUE,
            WorkerOptions.newBuilder()
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(100))
                .build());
    worker.registerWorkflowImplementationTypes(GlooMeshUpgradeWorkflowImpl.class);
    client = env.getWorkflowClient();
    worker.registerActivitiesImplementations(mesh, new ResumeActivitiesImpl(client), notifications);
    env.start();
  }

  GlooMeshUpgradeWorkflow start(String requestJson) throws Exception {
    return start(ID, requestJson);
  }

  GlooMeshUpgradeWorkflow start(String workflowId, String requestJson) throws Exception {
    GlooMeshUpgradeWorkflow wf =
        client.newWorkflowStub(
            GlooMeshUpgradeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build());
    WorkflowClient.start(wf::upgrade, JSON.readTree(requestJson));
    return wf;
  }

  /** Queries until the status matches, moving workflow time on between queries. */
  UpgradeStatus await(GlooMeshUpgradeWorkflow wf, Predicate<UpgradeStatus> wanted) {
    UpgradeStatus last = null;
    for (int i = 0; i < 2000; i++) {
      last = wf.status();
      if (wanted.test(last)) {
        return last;
      }
      if (last.state().finished()) {
        break;
      }
      env.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("status never matched; last: " + last);
  }

  /** The backup ID of a run started afresh: the workflow ID and the run's ID. */
  static String backupIdOf(GlooMeshUpgradeWorkflow wf) {
    return ID + "@" + WorkflowStub.fromTyped(wf).getExecution().getRunId();
  }

  static UpgradeReport result(GlooMeshUpgradeWorkflow wf) {
    return WorkflowStub.fromTyped(wf).getResult(UpgradeReport.class);
  }

  static ApplicationFailure failureOf(GlooMeshUpgradeWorkflow wf) {
    Throwable t = catchThrowable(() -> result(wf));
    assertThat(t).isInstanceOf(WorkflowFailedException.class);
    assertThat(t.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) t.getCause();
  }

  static StepStatus step(UpgradeStatus status, Step step) {
    return status.steps().stream().filter(s -> s.step() == step).findFirst().orElseThrow();
  }

  static StepStatus step(UpgradeReport report, Step step) {
    return report.steps().stream().filter(s -> s.step() == step).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    env.close();
  }
}
