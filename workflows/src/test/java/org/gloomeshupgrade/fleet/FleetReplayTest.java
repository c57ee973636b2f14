package org.gloomeshupgrade.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Recorded fleet histories replay with today's fleet code, and a fleet changed in a way that would
 * break running fleets is caught: registered through an implementation factory, so no production
 * class carries a test hook. The fixtures were recorded by the worker's FleetEndToEndTest with
 * -Dgmu.recordHistory=DIR.
 */
class FleetReplayTest {
  static final List<String> FIXTURES = List.of("three-planes-two-waves-approved-per-wave");

  static Stream<String> fixtures() {
    return FIXTURES.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void recordedFleetReplays(String fixture) throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(fixture), GlooMeshFleetWorkflowImpl.class);
  }

  @Test
  void everyFixtureOnDiskIsListedAndEveryListedOneIsThere() throws Exception {
    try (Stream<Path> files =
        Files.list(Path.of(FleetReplayTest.class.getResource("/fleet-histories").toURI()))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(FIXTURES.stream().map(f -> f + ".json").toList());
    }
  }

  @Test
  void theControlReplaysThroughTheFactory() throws Exception {
    replay(history(FIXTURES.get(0)), GlooMeshFleetWorkflow.class, GlooMeshFleetWorkflowImpl::new);
  }

  @Test
  void aFleetThatStartsEveryPlaneAtOnceIsCaught() throws Exception {
    WorkflowExecutionHistory recorded = history(FIXTURES.get(0));

    assertThatThrownBy(() -> replay(recorded, FleetOnly.class, AllPlanesAtOnce::new))
        .isInstanceOf(RuntimeException.class)
        .satisfies(e -> assertThat(nonDeterministic(e)).as(e.toString()).isTrue());
  }

  private static <T> void replay(
      WorkflowExecutionHistory history, Class<T> type, Supplier<? extends T> workflow)
      throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker =
          env.newWorker(
              UpgradeNames.TASK_QUEUE,
              WorkerOptions.newBuilder()
                  .setDefaultDeadlockDetectionTimeout(Duration.ofSeconds(30).toMillis())
                  .build());
      worker.registerWorkflowImplementationFactory(type, workflow::get);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }

  private static boolean nonDeterministic(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NonDeterministicException
          || String.valueOf(t.getMessage()).contains("nondeterministic")
          || String.valueOf(t.getMessage()).contains("NonDeterministic")) {
        return true;
      }
    }
    return false;
  }

  static WorkflowExecutionHistory history(String fixture) throws IOException {
    String resource = "/fleet-histories/" + fixture + ".json";
    try (InputStream in = FleetReplayTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("recorded history " + resource).isNotNull();
      return WorkflowExecutionHistory.fromJson(
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Only the workflow method, under the fleet's type. */
  @WorkflowInterface
  public interface FleetOnly {
    @WorkflowMethod(name = UpgradeNames.FLEET_WORKFLOW_TYPE)
    FleetReport upgrade(JsonNode request, FleetResume resume);
  }

  /**
   * The fleet as someone might "simplify" it: no look at each plane's latest run, no waves, every
   * plane started at once.
   */
  public static final class AllPlanesAtOnce implements FleetOnly {
    @Override
    public FleetReport upgrade(JsonNode request, FleetResume resume) {
      FleetRequest fleet = FleetRequestParser.parse(request);
      List<Promise<UpgradeReport>> runs = new ArrayList<>();
      for (String context : fleet.planes()) {
        GlooMeshUpgradeWorkflow child =
            Workflow.newChildWorkflowStub(
                GlooMeshUpgradeWorkflow.class,
                ChildWorkflowOptions.newBuilder()
                    .setWorkflowId(UpgradeNames.workflowId(context))
                    .build());
        runs.add(Async.function(child::upgrade, (JsonNode) fleet.requestFor(context)));
      }
      Promise.allOf(runs).get();
      return new FleetReport(FleetState.SUCCEEDED, "all at once", null);
    }
  }
}
