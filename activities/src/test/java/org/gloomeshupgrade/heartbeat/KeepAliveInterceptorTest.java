package org.gloomeshupgrade.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class KeepAliveInterceptorTest {
  private static final String QUEUE = "keep-alive-test";
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final Duration GRACE = Duration.ofSeconds(3);

  private final TestWorkflowEnvironment env =
      TestWorkflowEnvironment.newInstance(
          TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
  private final List<KeepAliveInterceptor> keepAlives = new ArrayList<>();
  private final List<WorkerFactory> factories = new ArrayList<>();

  @AfterEach
  void close() {
    factories.forEach(WorkerFactory::shutdownNow);
    env.close();
    keepAlives.forEach(KeepAliveInterceptor::close);
  }

  @Test
  @Timeout(60)
  void anActivityBlockedWithoutHeartbeatsOutlivesItsHeartbeatTimeout() {
    Blocking activity = new Blocking(Duration.ofSeconds(4), "finished");
    startWorker(activity);

    // The heartbeat timeout is 1 s: without the keep-alive this attempt times out, four times.
    assertThat(workflow().run("plain")).isEqualTo("finished");
    assertThat(activity.attempts.get()).isEqualTo(1);
  }

  @Test
  @Timeout(60)
  void theKeepAliveRepeatsTheProgressTheActivityLastReported() throws Exception {
    Blocking activity = new Blocking(Duration.ofSeconds(30), "finished");
    startWorker(activity);
    String id = start("plain");
    await().atMost(Duration.ofSeconds(10)).until(() -> activity.attempts.get() == 1);
    // Several keep-alive beats after the activity's own one.
    Thread.sleep(1000);

    var pending =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(id)
            .describe()
            .getRawDescription()
            .getPendingActivitiesList();
    assertThat(pending).hasSize(1);
    assertThat(pending.get(0).getHeartbeatDetails().toString()).contains(Blocking.PROGRESS);
  }

  @Test
  @Timeout(60)
  void aCancelledActivityIsInterruptedAndEndsCancelled() {
    Blocking activity = new Blocking(Duration.ofMinutes(5), "finished");
    startWorker(activity);

    assertThat(workflow().run("cancel")).isEqualTo(CanceledFailure.class.getSimpleName());
    assertThat(activity.interrupted).isTrue();
  }

  // The stop itself (polling ends, another worker takes the retry) needs a real Temporal server:
  // WorkerProcessIT stops a worker process with SIGTERM. These tests hold the worker's polling on
  // and check what the keep-alive does from the moment the worker starts to stop.

  @Test
  @Timeout(60)
  void aStoppingWorkerFailsALongActivityAfterTheGraceSoThatItIsRetriedAtOnce() throws Exception {
    Blocking stuck = new Blocking(Duration.ofMinutes(5), "from the retry");
    KeepAliveInterceptor worker = startWorker(stuck);
    String id = start("slow to notice");
    await().atMost(Duration.ofSeconds(10)).until(() -> stuck.attempts.get() == 1);

    worker.workerStopping();

    // The heartbeat timeout of this run is 5 minutes: a retry within the wait for the result comes
    // from the attempt failing when the grace ran out, not from a timeout.
    assertThat(result(id)).isEqualTo("from the retry");
    assertThat(stuck.interrupted).isTrue();
    assertThat(stuck.attempts.get()).isEqualTo(2);
  }

  @Test
  @Timeout(60)
  void aStoppingWorkerLetsAShortActivityFinish() throws Exception {
    // Runs on for 2 s after the stop, inside the 3 s grace of this test's workers.
    Blocking almostDone = new Blocking(Duration.ofSeconds(2), "from the first attempt");
    KeepAliveInterceptor worker = startWorker(almostDone);
    String id = start("plain");
    await().atMost(Duration.ofSeconds(10)).until(() -> almostDone.attempts.get() == 1);

    worker.workerStopping();

    assertThat(result(id)).isEqualTo("from the first attempt");
    assertThat(almostDone.interrupted).isFalse();
    assertThat(almostDone.attempts.get()).isEqualTo(1);
  }

  private String result(String id) throws Exception {
    return env.getWorkflowClient()
        .newUntypedWorkflowStub(id)
        .getResult(20, TimeUnit.SECONDS, String.class);
  }

  /** A worker of its own, so that one can stop while another carries on. */
  private KeepAliveInterceptor startWorker(Blocking activity) {
    KeepAliveInterceptor keepAlive = new KeepAliveInterceptor(INTERVAL, GRACE);
    keepAlives.add(keepAlive);
    WorkerFactory factory =
        WorkerFactory.newInstance(
            env.getWorkflowClient(),
            WorkerFactoryOptions.newBuilder().setWorkerInterceptors(keepAlive).build());
    Worker worker =
        factory.newWorker(
            QUEUE,
            WorkerOptions.newBuilder().setAllowActivityHeartbeatDuringShutdown(true).build());
    worker.registerWorkflowImplementationTypes(TestWorkflowImpl.class);
    worker.registerActivitiesImplementations(activity);
    factory.start();
    factories.add(factory);
    return keepAlive;
  }

  private TestWorkflow workflow() {
    return env.getWorkflowClient()
        .newWorkflowStub(
            TestWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build());
  }

  private String start(String mode) {
    TestWorkflow stub = workflow();
    return WorkflowClient.start(stub::run, mode).getWorkflowId();
  }

  @WorkflowInterface
  public interface TestWorkflow {
    @WorkflowMethod
    String run(String mode);
  }

  @ActivityInterface
  public interface BlockingActivity {
    String block();
  }

  public static class TestWorkflowImpl implements TestWorkflow {
    @Override
    public String run(String mode) {
      Duration heartbeatTimeout =
          mode.equals("slow to notice") ? Duration.ofMinutes(5) : Duration.ofSeconds(1);
      BlockingActivity activity =
          Workflow.newActivityStub(
              BlockingActivity.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(10))
                  .setHeartbeatTimeout(heartbeatTimeout)
                  .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                  .setRetryOptions(
                      RetryOptions.newBuilder()
                          .setInitialInterval(Duration.ofMillis(100))
                          .setMaximumAttempts(4)
                          .build())
                  .build());
      if (!mode.equals("cancel")) {
        return activity.block();
      }
      AtomicReference<Promise<String>> running = new AtomicReference<>();
      CancellationScope scope =
          Workflow.newCancellationScope(() -> running.set(Async.function(activity::block)));
      scope.run();
      Workflow.sleep(Duration.ofSeconds(1));
      scope.cancel();
      try {
        return running.get().get();
      } catch (ActivityFailure failure) {
        return failure.getCause().getClass().getSimpleName();
      }
    }
  }

  /**
   * Blocks for a while without heartbeating, as a Helm upgrade or a subprocess does; a retry
   * answers at once.
   */
  static final class Blocking implements BlockingActivity {
    /** What the activity reports once, at its start, through the SDK. */
    static final String PROGRESS = "applying the first of many objects";

    final AtomicInteger attempts = new AtomicInteger();
    volatile boolean interrupted;
    private final Duration runFor;
    private final String answer;

    Blocking(Duration runFor, String answer) {
      this.runFor = runFor;
      this.answer = answer;
    }

    @Override
    public String block() {
      if (attempts.incrementAndGet() > 1) {
        return answer;
      }
      Activity.getExecutionContext().heartbeat(PROGRESS);
      try {
        Thread.sleep(runFor.toMillis());
      } catch (InterruptedException e) {
        interrupted = true;
        throw new IllegalStateException("interrupted", e);
      }
      return answer;
    }
  }
}
