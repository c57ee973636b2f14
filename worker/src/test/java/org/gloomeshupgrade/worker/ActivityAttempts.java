package org.gloomeshupgrade.worker;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The attempts of one activity type in the upgrade run, as the Temporal server sees them. */
final class ActivityAttempts implements AutoCloseable {
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final String activity;

  ActivityAttempts(String temporalAddress, String activity) {
    this.service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporalAddress).build());
    this.client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    this.activity = activity;
  }

  WorkflowClient client() {
    return client;
  }

  /** True while the activity runs its first attempt. */
  boolean firstAttemptRunning() {
    return pending().stream().anyMatch(a -> a.getAttempt() == 1);
  }

  /** From {@code since} (the kill, the SIGTERM) to the start of the activity's next attempt. */
  Duration awaitRetry(Instant since) {
    Instant retried =
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () ->
                    pending().stream()
                        .filter(a -> a.getAttempt() >= 2)
                        .filter(
                            a ->
                                a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
                        .map(a -> instant(a.getLastStartedTime()))
                        .findFirst()
                        .orElseGet(this::retryStartedInHistory),
                at -> at != null);
    return Duration.between(since, retried);
  }

  private List<PendingActivityInfo> pending() {
    return service
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(CliUpgrade.ID))
                .build())
        .getPendingActivitiesList()
        .stream()
        .filter(a -> a.getActivityType().getName().equals(activity))
        .toList();
  }

  /**
   * When the retry ended before it was seen pending: the time of its started event (written when
   * the attempt ended, with the attempt's start), or null while there is none.
   */
  private Instant retryStartedInHistory() {
    List<HistoryEvent> events = client.fetchHistory(CliUpgrade.ID).getEvents();
    Set<Long> scheduled =
        events.stream()
            .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
            .filter(
                e ->
                    e.getActivityTaskScheduledEventAttributes()
                        .getActivityType()
                        .getName()
                        .equals(activity))
            .map(HistoryEvent::getEventId)
            .collect(Collectors.toSet());
    return events.stream()
        .filter(HistoryEvent::hasActivityTaskStartedEventAttributes)
        .filter(e -> e.getActivityTaskStartedEventAttributes().getAttempt() >= 2)
        .filter(
            e ->
                scheduled.contains(e.getActivityTaskStartedEventAttributes().getScheduledEventId()))
        .map(e -> instant(e.getEventTime()))
        .findFirst()
        .orElse(null);
  }

  private static Instant instant(Timestamp time) {
    return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
  }

  @Override
  public void close() {
    service.shutdown();
  }
}
