package org.gloomeshupgrade.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ActivityRetriesTest {
  @WorkflowInterface
  public interface CallsTwice {
    @WorkflowMethod
    String run();
  }

  @ActivityInterface
  public interface Patchy {
    String patch();

    String read();
  }

  public static class CallsTwiceImpl implements CallsTwice {
    private final Patchy patchy =
        Workflow.newActivityStub(
            Patchy.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .setRetryOptions(
                    RetryOptions.newBuilder().setInitialInterval(Duration.ofMillis(10)).build())
                .build());

    @Override
    public String run() {
      return patchy.patch() + patchy.read();
    }
  }

  /** Patching fails twice, as an API server answering 500 would make it; reading never fails. */
  static final class PatchyImpl implements Patchy {
    private final AtomicInteger patches = new AtomicInteger();

    @Override
    public String patch() {
      if (patches.incrementAndGet() < 3) {
        throw new IllegalStateException("the API server answered 500");
      }
      return "patched ";
    }

    @Override
    public String read() {
      return "read";
    }
  }

  @Test
  void eachAttemptAfterTheFirstIsCountedByActivityType() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new ActivityRetries(registry))
                        .build())
                .build())) {
      Worker worker = env.newWorker("retries");
      worker.registerWorkflowImplementationTypes(CallsTwiceImpl.class);
      worker.registerActivitiesImplementations(new PatchyImpl());
      env.start();

      String result =
          env.getWorkflowClient()
              .newWorkflowStub(
                  CallsTwice.class, WorkflowOptions.newBuilder().setTaskQueue("retries").build())
              .run();

      assertThat(result).isEqualTo("patched read");
      Counter patch = registry.find(ActivityRetries.NAME).tag("activity", "Patch").counter();
      assertThat(patch).isNotNull();
      assertThat(patch.count()).isEqualTo(2);
      assertThat(registry.find(ActivityRetries.NAME).tag("activity", "Read").counter()).isNull();
    }
  }
}
