package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.gloomeshupgrade.workflow.UpgradeRig.ID;
import static org.gloomeshupgrade.workflow.UpgradeRig.failureOf;
import static org.gloomeshupgrade.workflow.UpgradeRig.result;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.notify.GateKind;
import org.gloomeshupgrade.notify.Notification;
import org.gloomeshupgrade.notify.NotificationDelivery;
import org.gloomeshupgrade.notify.NotificationEvent;
import org.gloomeshupgrade.notify.NotificationRoute;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Notifications at every gate and at the end, on the time-skipping test server: each event once to
 * each destination that wants it, in order, with what a person needs to act; never again on a
 * replay (every workflow task here replays the whole history, as after a worker restart); a
 * destination that fails is recorded and holds nothing up.
 */
class NotificationsTest {
  private static final List<NotificationEvent> ALL = NotificationEvent.OF_RUNS;
  private static final String NOTE = "#mesh-changes @mesh-oncall";

  private UpgradeRig rig;

  @AfterEach
  void stop() {
    rig.close();
  }

  private RecordingNotifications rigWith(NotificationRoute... routes) {
    rig =
        new UpgradeRig(
            new FakeMesh(),
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(0).build())
                .build(),
            new RecordingNotifications(List.of(routes)));
    return rig.notifications;
  }

  @Test
  void eachEventOfARunIsToldOnceToEachDestinationThatWantsItWithWhatAPersonNeeds()
      throws Exception {
    RecordingNotifications sent =
        rigWith(
            new NotificationRoute("chat", "slack", ALL),
            new NotificationRoute(
                "pager",
                "webhook",
                List.of(NotificationEvent.GATE_OPENED, NotificationEvent.RUN_ENDED)));
    rig.mesh.conformanceProblems.add(
        new ConformanceProblem(
            "Settings", "gloo-mesh", "settings", "$.spec.istio", "not in the new schema", "move"));
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
            {"targetVersion":"0.11.3","notifyNote":"%s"}"""
                .formatted(NOTE));

    String decisionGate = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
    wf.decideNow(
        new StepDecision(Step.CONFORMANCE, Decision.SKIP, "dave", "unused field", decisionGate));
    String approvalGate = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
    rig.env.sleep(Duration.ofMinutes(90));
    wf.approve(new Approval("alice", "CHG-1", approvalGate));
    UpgradeReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);

    List<Notification> chat = sent.delivered("chat");
    assertThat(chat)
        .extracting(Notification::event)
        .containsExactly(
            NotificationEvent.GATE_OPENED,
            NotificationEvent.GATE_ANSWERED,
            NotificationEvent.GATE_OPENED,
            NotificationEvent.REMINDER,
            NotificationEvent.GATE_ANSWERED,
            NotificationEvent.RUN_ENDED);
    assertThat(sent.delivered("pager"))
        .extracting(Notification::id)
        .containsExactly(chat.get(0).id(), chat.get(2).id(), chat.get(5).id());
    assertThat(sent.attempts).allSatisfy(a -> assertThat(a.attempt()).isEqualTo(1));
    assertThat(chat).extracting(Notification::id).doesNotHaveDuplicates();
    assertThat(chat)
        .allSatisfy(
            n -> {
              assertThat(n.workflowId()).isEqualTo(ID);
              assertThat(n.id()).startsWith(ID + "/" + n.runId() + "/");
              assertThat(n.fromVersion()).isEqualTo("0.10.10");
              assertThat(n.toVersion()).isEqualTo("0.11.3");
              assertThat(n.note()).isEqualTo(NOTE);
            });

    Notification conformance = chat.get(0);
    assertThat(conformance.gateKind()).isEqualTo(GateKind.CONFORMANCE);
    assertThat(conformance.step()).isEqualTo("CONFORMANCE");
    assertThat(conformance.gate()).isEqualTo(decisionGate);
    assertThat(conformance.why()).contains("$.spec.istio");
    assertThat(conformance.commands())
        .contains(
            "gmu decide --workflow-id %s --step CONFORMANCE --gate %s --decision RETRY --by <you>"
                .formatted(ID, decisionGate),
            "gmu decide --workflow-id %s --step CONFORMANCE --gate %s --decision ACCEPT --by <you> --reason <why>"
                .formatted(ID, decisionGate))
        .anySatisfy(c -> assertThat(c).startsWith("temporal workflow signal --workflow-id " + ID));
    assertThat(chat.get(1))
        .extracting(Notification::answeredBy, Notification::answer, Notification::why)
        .containsExactly("dave", "SKIP", "unused field");

    Notification approval = chat.get(2);
    assertThat(approval.gateKind()).isEqualTo(GateKind.APPROVAL);
    assertThat(approval.step()).isEqualTo("APPROVAL");
    assertThat(approval.gate()).isEqualTo(approvalGate);
    assertThat(approval.why()).isEqualTo("networking stays at 0 replicas until a person approves");
    assertThat(approval.commands())
        .containsExactly(
            "gmu approve --workflow-id %s --gate %s --by <you> --reason <why>"
                .formatted(ID, approvalGate),
            "gmu reject --workflow-id %s --gate %s --by <you> --reason <why>"
                .formatted(ID, approvalGate),
            """
            temporal workflow signal --workflow-id %s --name approve --input '{"by":"<you>","reason":"<why>","gate":"%s"}'"""
                .formatted(ID, approvalGate));
    assertThat(chat.get(3).why()).startsWith("reminder: approval awaited for 1h");
    assertThat(chat.get(3).commands()).isEqualTo(approval.commands());
    assertThat(chat.get(4))
        .extracting(Notification::answeredBy, Notification::answer, Notification::gate)
        .containsExactly("alice", "APPROVED", approvalGate);

    Notification end = chat.get(5);
    assertThat(end.outcome()).isEqualTo("SUCCEEDED");
    assertThat(end.why()).isEqualTo(report.summary());
    assertThat(end.report())
        .isEqualTo(
            report.verify().checks().stream()
                .collect(Collectors.toMap(VerifyCheck::name, c -> c.level().name())))
        .isNotEmpty();

    assertThat(wf.status().notifications())
        .hasSize(9)
        .allSatisfy(d -> assertThat(d.outcome()).isEqualTo(NotificationDelivery.Outcome.DELIVERED));

    // A replay of the whole history, as `gmu replay` or a new worker does it, sends nothing.
    int before = sent.attempts.size();
    WorkflowReplayer.replayWorkflowExecution(
        rig.client.fetchHistory(ID), GlooMeshUpgradeWorkflowImpl.class);
    assertThat(sent.attempts).hasSize(before);
  }

  @Test
  void aDestinationAnswering500IsRetriedThenRecordedAsNotDeliveredAndTheRunGoesOn()
      throws Exception {
    RecordingNotifications sent =
        rigWith(
            new NotificationRoute("chat", "slack", ALL),
            new NotificationRoute("pager", "webhook", ALL));
    sent.answer("pager", RecordingNotifications.Answer.SERVER_ERROR);
    GlooMeshUpgradeWorkflow wf = rig.start("{\"targetVersion\":\"0.11.3\"}");
    String gate = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
    rig.await(wf, s -> failed(s).size() == 1);
    wf.approve(new Approval("alice", "CHG-1", gate));
    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);

    UpgradeStatus status = wf.status();
    assertThat(failed(status))
        .extracting(NotificationDelivery::event, NotificationDelivery::detail)
        .containsExactly(
            tuple(NotificationEvent.GATE_OPENED),
            tuple(NotificationEvent.GATE_ANSWERED),
            tuple(NotificationEvent.RUN_ENDED));
    Map<String, Long> attemptsPerEvent =
        sent.attempts.stream()
            .filter(a -> a.destination().equals("pager"))
            .collect(Collectors.groupingBy(a -> a.notification().id(), Collectors.counting()));
    assertThat(attemptsPerEvent.values()).containsOnly(3L).hasSize(3);
    assertThat(sent.delivered("chat")).hasSize(3);
    assertThat(CurrentDetails.markdown(status))
        .contains("**Notifications not delivered:**", "- run-ended to pager: pager: HTTP 500");
  }

  private static org.assertj.core.groups.Tuple tuple(NotificationEvent event) {
    return org.assertj.core.groups.Tuple.tuple(event, "pager: HTTP 500");
  }

  @Test
  void theEndWaitsAtMostTheNotificationTimeoutThenRecordsWhatItDidNotSendAsDropped()
      throws Exception {
    RecordingNotifications sent =
        rigWith(
            new NotificationRoute("chat", "slack", ALL),
            new NotificationRoute("stuck", "webhook", ALL));
    sent.answer("stuck", RecordingNotifications.Answer.NEVER);
    GlooMeshUpgradeWorkflow wf = rig.start("{\"targetVersion\":\"0.11.3\"}");
    String gate = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL).gate();
    wf.approve(new Approval("alice", "CHG-1", gate));
    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);

    assertThat(sent.delivered("chat")).hasSize(3);
    Map<NotificationEvent, NotificationDelivery> stuck =
        wf.status().notifications().stream()
            .filter(d -> d.destination().equals("stuck"))
            .collect(Collectors.toMap(NotificationDelivery::event, d -> d));
    assertThat(stuck.values())
        .extracting(NotificationDelivery::outcome)
        .doesNotContain(
            NotificationDelivery.Outcome.SENDING, NotificationDelivery.Outcome.DELIVERED)
        .contains(NotificationDelivery.Outcome.DROPPED);
    assertThat(stuck.get(NotificationEvent.RUN_ENDED).detail())
        .isIn("the run ended while it was being sent", "the run ended before it was sent");
    WorkflowExecutionHistory history = rig.client.fetchHistory(ID);
    assertThat(endWaited(history))
        .isLessThanOrEqualTo(UpgradeActivityOptions.NOTIFICATION_TIMEOUT.plusSeconds(1));
  }

  /** Workflow time from the last step's activity to the run's end. */
  private static Duration endWaited(WorkflowExecutionHistory history) {
    Map<Long, String> types = new java.util.HashMap<>();
    long lastStep = 0;
    long end = 0;
    for (HistoryEvent e : history.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        types.put(
            e.getEventId(),
            e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      }
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
          && !types
              .get(e.getActivityTaskCompletedEventAttributes().getScheduledEventId())
              .equals("DeliverNotification")) {
        lastStep = e.getEventTime().getSeconds();
      }
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) {
        end = e.getEventTime().getSeconds();
      }
    }
    return Duration.ofSeconds(end - lastStep);
  }

  @Test
  void aDestinationThatRefusesIsNotAskedAgain() throws Exception {
    RecordingNotifications sent = rigWith(new NotificationRoute("pager", "webhook", ALL));
    sent.answer("pager", RecordingNotifications.Answer.NOT_FOUND);
    GlooMeshUpgradeWorkflow wf =
        rig.start("{\"targetVersion\":\"0.11.3\",\"requireApproval\":false}");
    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);

    assertThat(sent.attempts).singleElement().extracting(a -> a.attempt()).isEqualTo(1);
    assertThat(failed(wf.status()))
        .singleElement()
        .extracting(NotificationDelivery::detail)
        .isEqualTo("pager: HTTP 404 (no_service)");
  }

  @Test
  void aFailedStepTellsItsDecisionsAndTheRollbackEndsTheRun() throws Exception {
    RecordingNotifications sent = rigWith(new NotificationRoute("chat", "slack", ALL));
    rig.mesh.discoveryComesBack.set(false);
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
            {"targetVersion":"0.11.3","discoveryTimeout":"1m","discoverySettleWindow":"30s"}""");
    String gate = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
    wf.decideNow(new StepDecision(Step.DISCOVERY, Decision.ROLLBACK, "erin", "broken", gate));
    assertThat(result(wf).outcome()).isEqualTo(RunState.ROLLED_BACK);

    List<Notification> chat = sent.delivered("chat");
    assertThat(chat)
        .extracting(Notification::event)
        .containsExactly(
            NotificationEvent.GATE_OPENED,
            NotificationEvent.GATE_ANSWERED,
            NotificationEvent.RUN_ENDED);
    Notification opened = chat.get(0);
    assertThat(opened.gateKind()).isEqualTo(GateKind.FAILED_STEP);
    assertThat(opened.summary()).isEqualTo("step 8 (discovery) failed: a decision is needed");
    assertThat(opened.why()).isNotBlank();
    assertThat(opened.commands())
        .extracting(c -> c.replaceAll(".* --decision (\\w+).*", "$1"))
        .startsWith("RETRY", "SKIP", "ROLLBACK", "ABORT");
    assertThat(chat.get(1).answer()).isEqualTo("ROLLBACK");
    assertThat(chat.get(2).outcome()).isEqualTo("ROLLED_BACK");
    assertThat(chat.get(2).summary()).isEqualTo("Upgrade rolled back");
  }

  @Test
  void clustersThatFailedToReRegisterAreToldWithTheRetryThatRunsOnlyThem() throws Exception {
    RecordingNotifications sent = rigWith(new NotificationRoute("chat", "slack", ALL));
    rig.mesh.failingClusters.add("cluster-2");
    GlooMeshUpgradeWorkflow wf =
        rig.start("{\"targetVersion\":\"0.11.3\",\"requireApproval\":false}");
    String gate = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION).gate();
    rig.mesh.failingClusters.clear();
    wf.decideNow(new StepDecision(Step.REREGISTER, Decision.RETRY, "ops", "", gate));
    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);

    Notification opened = sent.delivered("chat").get(0);
    assertThat(opened.gateKind()).isEqualTo(GateKind.FAILED_CLUSTERS);
    assertThat(opened.summary()).isEqualTo("Clusters failed to re-register: a decision is needed");
    assertThat(opened.why()).contains("cluster-2");
    assertThat(opened.commands())
        .first()
        .isEqualTo(
            "gmu decide --workflow-id %s --step REREGISTER --gate %s --decision RETRY --by <you>"
                .formatted(ID, gate));
    assertThat(sent.delivered("chat"))
        .extracting(Notification::event)
        .containsExactly(
            NotificationEvent.GATE_OPENED,
            NotificationEvent.GATE_ANSWERED,
            NotificationEvent.RUN_ENDED);
  }

  @Test
  void aCancelledRunStillSaysSo() throws Exception {
    RecordingNotifications sent = rigWith(new NotificationRoute("chat", "slack", ALL));
    GlooMeshUpgradeWorkflow wf = rig.start("{\"targetVersion\":\"0.11.3\"}");
    rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    WorkflowStub.fromTyped(wf).cancel();
    assertThat(catchThrowable(() -> result(wf))).isNotNull();

    Notification end = sent.delivered("chat").get(sent.delivered("chat").size() - 1);
    assertThat(end.event()).isEqualTo(NotificationEvent.RUN_ENDED);
    assertThat(end.outcome()).isEqualTo("CANCELLED");
    assertThat(end.why()).startsWith("cancelled at step 9 (approval)");
  }

  @Test
  void aRefusedRequestRunsNothingAndTellsNobody() throws Exception {
    RecordingNotifications sent = rigWith(new NotificationRoute("chat", "slack", ALL));
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            """
            {"targetVersion":"0.11.3","notifyNote":"see https://hooks.example.com/T0/B0/secret"}""");
    assertThat(failureOf(wf).getMessage()).contains("notifyNote", "must not contain a URL");
    assertThat(sent.attempts).isEmpty();
  }

  @Test
  void aWorkerWithoutDestinationsSendsNothing() throws Exception {
    RecordingNotifications sent = rigWith();
    GlooMeshUpgradeWorkflow wf =
        rig.start("{\"targetVersion\":\"0.11.3\",\"requireApproval\":false}");
    assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(sent.attempts).isEmpty();
    assertThat(wf.status().notifications()).isEmpty();
  }

  private static List<NotificationDelivery> failed(UpgradeStatus s) {
    return s.notifications().stream()
        .filter(d -> d.outcome() == NotificationDelivery.Outcome.FAILED)
        .toList();
  }
}
