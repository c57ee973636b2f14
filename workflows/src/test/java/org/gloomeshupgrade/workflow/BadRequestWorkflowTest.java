package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.gloomeshupgrade.request.BadRequests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request of the corpus, started as a run: it ends at once as InvalidRequest naming the
 * field, with no activity scheduled and no workflow task failed (a task failing on every attempt
 * would leave the run stuck with no status).
 */
class BadRequestWorkflowTest {
  // One test server per case: on one server shared by some fifty runs, a later run's workflow task
  // failed inside the SDK, computing its latency metric from a clock past what that metric holds.
  private final UpgradeRig rig = new UpgradeRig();

  @AfterEach
  void stop() {
    rig.close();
  }

  static List<BadRequests.Case> corpus() {
    return BadRequests.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void endsAtOnceNamingTheFieldAndRunsNothing(BadRequests.Case bad) throws Exception {
    String id = "bad-request-" + Integer.toHexString(bad.name().hashCode());
    GlooMeshUpgradeWorkflow wf = rig.start(id, bad.json());

    ApplicationFailure failure = UpgradeRig.failureOf(wf);

    assertThat(failure.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(bad.field());
    assertThat(wf.status().state()).isEqualTo(RunState.FAILED);
    var events = rig.client.fetchHistory(id).getEvents();
    assertThat(events)
        .extracting(e -> e.getEventType())
        .doesNotContain(
            EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    assertThat(rig.mesh.calls).as("activities run").isEmpty();
  }
}
