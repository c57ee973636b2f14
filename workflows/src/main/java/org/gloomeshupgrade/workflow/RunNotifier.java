package org.gloomeshupgrade.workflow;

import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.notify.GateKind;
import org.gloomeshupgrade.notify.Notification;
import org.gloomeshupgrade.notify.NotificationActivities;
import org.gloomeshupgrade.notify.NotificationDelivery;
import org.gloomeshupgrade.notify.NotificationEvent;
import org.gloomeshupgrade.notify.NotificationRoute;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.slf4j.Logger;

/**
 * Tells people when they are needed and how the run ended. The destinations are the worker's, read
 * once per run; each event goes to each destination that wants it as an activity of its own, in the
 * order of the events, without holding up the run: a destination that answers 500 or hangs delays
 * nothing but the run's end, by at most {@link UpgradeActivityOptions#NOTIFICATION_TIMEOUT}.
 * Activities run once per event in the history, so a replay or a worker restart sends nothing
 * again. Every delivery and its outcome is in the run's record.
 */
final class RunNotifier {
  private static final Logger log = Workflow.getLogger(RunNotifier.class);

  private final UpgradeRun run;
  private final Map<String, Deque<Notification>> queues = new LinkedHashMap<>();

  /** The notification each destination is being sent, if any. */
  private final Map<String, Notification> sending = new LinkedHashMap<>();

  private List<NotificationRoute> routes = List.of();
  private NotificationActivities deliveries;
  private int composed;
  private boolean ending;

  RunNotifier(UpgradeRun run) {
    this.run = run;
  }

  /**
   * Reads the worker's destinations and starts one sender per destination, out of reach of a
   * cancel: a cancelled run still says so. Runs recorded before notifications send none.
   */
  void start() {
    if (!run.versions.applies(Change.NOTIFICATIONS)) {
      return;
    }
    deliveries =
        stub("%s: read the worker's notification destinations".formatted(Step.PREFLIGHT.label()));
    try {
      // Out of reach of a cancel too: a run cancelled now still says how it ended.
      List<List<NotificationRoute>> read = new ArrayList<>();
      Workflow.newDetachedCancellationScope(() -> read.add(deliveries.routes())).run();
      routes = read.get(0);
    } catch (ActivityFailure e) {
      run.book.warn("notifications are off for this run: %s".formatted(Messages.why(e)));
      return;
    }
    for (NotificationRoute r : routes) {
      queues.put(r.destination(), new ArrayDeque<>());
    }
    Workflow.newDetachedCancellationScope(
            () -> routes.forEach(r -> Async.procedure(() -> send(r, queues.get(r.destination())))))
        .run();
  }

  void gateOpened(Step step, String gate, GateKind kind, String why, List<String> commands) {
    post(
        NotificationEvent.GATE_OPENED,
        step,
        gate,
        kind,
        headline(kind, step),
        why,
        commands,
        "",
        "",
        "",
        Map.of());
  }

  void reminder(Step step, String gate, String why, List<String> commands) {
    post(
        NotificationEvent.REMINDER,
        step,
        gate,
        GateKind.APPROVAL,
        "Approval overdue: networking still at 0 replicas",
        why,
        commands,
        "",
        "",
        "",
        Map.of());
  }

  void answered(Step step, String gate, GateKind kind, String by, String answer, String reason) {
    post(
        NotificationEvent.GATE_ANSWERED,
        step,
        gate,
        kind,
        "%s by %s".formatted(answerHeadline(answer), by),
        reason == null ? "" : reason,
        List.of(),
        by,
        answer,
        "",
        Map.of());
  }

  /**
   * The run ended: tells it, then waits, at most the notification timeout, for what is still being
   * sent. Out of reach of a cancel.
   */
  void ended(String summary) {
    if (deliveries == null) {
      return;
    }
    Workflow.newDetachedCancellationScope(
            () -> {
              UpgradeStatus now = run.book.snapshot();
              // A failure no part recorded still ends the run failed.
              RunState state = now.state().finished() ? now.state() : RunState.FAILED;
              Map<String, String> levels = new LinkedHashMap<>();
              if (now.verify() != null) {
                for (VerifyCheck c : now.verify().checks()) {
                  levels.put(c.name(), c.level().name());
                }
              }
              post(
                  NotificationEvent.RUN_ENDED,
                  now.currentStep(),
                  "",
                  null,
                  endHeadline(state),
                  summary,
                  List.of(),
                  "",
                  "",
                  state.name(),
                  levels);
              ending = true;
              if (!sent()) {
                Workflow.await(UpgradeActivityOptions.NOTIFICATION_TIMEOUT, this::sent);
              }
              dropUnsent();
            })
        .run();
  }

  /** With a summary the Temporal UI shows on the activity, as the steps' activities have. */
  private static NotificationActivities stub(String summary) {
    return Workflow.newActivityStub(
        NotificationActivities.class,
        ActivityOptions.newBuilder(UpgradeActivityOptions.notification())
            .setSummary(summary)
            .build());
  }

  private boolean sent() {
    return sending.isEmpty() && queues.values().stream().allMatch(Deque::isEmpty);
  }

  private void post(
      NotificationEvent event,
      Step step,
      String gate,
      GateKind kind,
      String headline,
      String why,
      List<String> commands,
      String by,
      String answer,
      String outcome,
      Map<String, String> report) {
    if (deliveries == null || routes.stream().noneMatch(r -> r.wants(event))) {
      return;
    }
    UpgradeStatus now = run.book.snapshot();
    String workflowId = Workflow.getInfo().getWorkflowId();
    String runId = Workflow.getInfo().getRunId();
    composed++;
    Notification n =
        new Notification(
            "%s/%s/%d".formatted(workflowId, runId, composed),
            event,
            Workflow.currentTimeMillis(),
            workflowId,
            runId,
            now.managementContext(),
            now.fromVersion(),
            now.targetVersion(),
            step == null ? "" : step.name(),
            step == null ? "" : step.label(),
            gate,
            kind,
            headline,
            why,
            commands,
            by,
            answer,
            outcome,
            report,
            run.request() == null ? "" : run.request().notifyNote());
    for (NotificationRoute r : routes) {
      if (r.wants(event)) {
        queues.get(r.destination()).add(n);
        run.book.notification(
            new NotificationDelivery(
                n.id(), event, r.destination(), NotificationDelivery.Outcome.SENDING, ""));
      }
    }
  }

  /** One destination's sender: its notifications one after the other, in the order posted. */
  private void send(NotificationRoute route, Deque<Notification> queue) {
    while (true) {
      Workflow.await(() -> !queue.isEmpty() || ending);
      Notification n = queue.peek();
      if (n == null) {
        return;
      }
      sending.put(route.destination(), n);
      NotificationDelivery.Outcome outcome;
      String detail;
      try {
        var receipt =
            stub("%s: tell %s %s"
                    .formatted(
                        n.step().isEmpty() ? "the run" : n.stepLabel(),
                        route.destination(),
                        n.event().wireName()))
                .deliver(route.destination(), n);
        outcome = NotificationDelivery.Outcome.DELIVERED;
        detail = "HTTP %d in %d ms".formatted(receipt.httpStatus(), receipt.tookMillis());
      } catch (ActivityFailure e) {
        outcome = NotificationDelivery.Outcome.FAILED;
        detail = Messages.why(e.getCause() instanceof TemporalFailure t ? t : e);
        log.warn(
            "notify: {} of {} to {} failed: {}",
            n.event().wireName(),
            n.workflowId(),
            route.destination(),
            detail);
      }
      queue.poll();
      sending.remove(route.destination());
      run.book.notification(
          new NotificationDelivery(n.id(), n.event(), route.destination(), outcome, detail));
    }
  }

  /** What the run's end did not wait for any longer. */
  private void dropUnsent() {
    sending.forEach(
        (destination, n) -> dropped(destination, n, "the run ended while it was being sent"));
    queues.forEach(
        (destination, queue) -> {
          // The one being sent is still at the head of its queue, and said so above.
          queue.stream()
              .filter(n -> !n.equals(sending.get(destination)))
              .forEach(n -> dropped(destination, n, "the run ended before it was sent"));
          queue.clear();
        });
  }

  private void dropped(String destination, Notification n, String why) {
    run.book.notification(
        new NotificationDelivery(
            n.id(), n.event(), destination, NotificationDelivery.Outcome.DROPPED, why));
  }

  private static String headline(GateKind kind, Step step) {
    return switch (kind) {
      case APPROVAL -> "Approval needed: networking waits at 0 replicas";
      case FAILED_STEP -> "%s failed: a decision is needed".formatted(step.label());
      case CONFORMANCE ->
          "Conformance problems at %s: a decision is needed".formatted(step.label());
      case FAILED_CLUSTERS -> "Clusters failed to re-register: a decision is needed";
    };
  }

  private static String answerHeadline(String answer) {
    return switch (answer) {
      case "APPROVED" -> "Approved";
      case "REJECTED" -> "Rejected";
      default -> "%s decided".formatted(answer);
    };
  }

  private static String endHeadline(RunState state) {
    return switch (state) {
      case SUCCEEDED -> "Upgrade succeeded";
      case FINISHED_WITH_PROBLEMS -> "Upgrade finished with problems";
      case ROLLED_BACK -> "Upgrade rolled back";
      case REJECTED -> "Upgrade rejected";
      case CANCELLED -> "Upgrade cancelled";
      case DRY_RUN_COMPLETE -> "Dry run complete";
      case ABORTED -> "Upgrade aborted";
      default -> "Upgrade failed";
    };
  }
}
