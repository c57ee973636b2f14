package org.gloomeshupgrade.workflow;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.common.WorkflowExecutionHistory;

/**
 * A recorded history as the Java SDK's replayer takes it. The replayer refuses a history that ends
 * with the run's termination ("Unexpected event ... WORKFLOW_EXECUTION_TERMINATED"), which is no
 * command of the workflow code and tells nothing about its determinism: that last event is left
 * out. Every other event is replayed.
 */
public final class ReplayableHistory {
  private ReplayableHistory() {}

  public static WorkflowExecutionHistory of(WorkflowExecutionHistory recorded) {
    if (!terminated(recorded)) {
      return recorded;
    }
    History all = recorded.getHistory();
    History kept =
        all.toBuilder()
            .clearEvents()
            .addAllEvents(all.getEventsList().subList(0, all.getEventsCount() - 1))
            .build();
    return new WorkflowExecutionHistory(kept, recorded.getWorkflowExecution().getWorkflowId());
  }

  /** Whether the run was terminated: its history ends with the termination. */
  public static boolean terminated(WorkflowExecutionHistory recorded) {
    return !recorded.getEvents().isEmpty()
        && recorded.getLastEvent().getEventType()
            == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED;
  }
}
