package org.gloomeshupgrade.notify;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.gloomeshupgrade.workflow.UpgradeActivityOptions;

/** Sends one sample to each destination at once, with the options of a run's notifications. */
public final class NotifyTestWorkflowImpl implements NotifyTestWorkflow {
  private final NotificationActivities activities =
      Workflow.newActivityStub(NotificationActivities.class, UpgradeActivityOptions.notification());

  @Override
  public List<NotifyTestResult> sendSamples(NotifyTestRequest request) {
    List<NotificationRoute> routes = activities.routes();
    String only = request.destination() == null ? "" : request.destination();
    List<NotificationRoute> chosen =
        routes.stream().filter(r -> only.isEmpty() || r.destination().equals(only)).toList();
    if (chosen.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          only.isEmpty()
              ? "the worker has no notification destinations: give it --notifications FILE"
              : "the worker has no destination named %s; it has %s"
                  .formatted(only, routes.stream().map(NotificationRoute::destination).toList()),
          FailureTypes.NOTIFICATION_REFUSED);
    }
    String id = Workflow.getInfo().getWorkflowId();
    Notification sample =
        new Notification(
            "%s/%s/1".formatted(id, Workflow.getInfo().getRunId()),
            NotificationEvent.TEST,
            Workflow.currentTimeMillis(),
            id,
            Workflow.getInfo().getRunId(),
            "",
            "",
            "",
            "",
            "",
            "",
            null,
            "A test notification from gmu notify-test, asked for by %s: nothing waits for you"
                .formatted(request.by()),
            "",
            List.of(),
            "",
            "",
            "",
            Map.of(),
            request.note() == null ? "" : request.note());
    List<Promise<DeliveryReceipt>> sent = new ArrayList<>();
    for (NotificationRoute r : chosen) {
      sent.add(Async.function(activities::deliver, r.destination(), sample));
    }
    List<NotifyTestResult> results = new ArrayList<>();
    for (int i = 0; i < chosen.size(); i++) {
      NotificationRoute r = chosen.get(i);
      try {
        DeliveryReceipt receipt = sent.get(i).get();
        results.add(
            new NotifyTestResult(
                r.destination(),
                r.kind(),
                true,
                "HTTP %d in %d ms".formatted(receipt.httpStatus(), receipt.tookMillis())));
      } catch (ActivityFailure e) {
        results.add(new NotifyTestResult(r.destination(), r.kind(), false, why(e)));
      }
    }
    return results;
  }

  private static String why(ActivityFailure e) {
    Throwable cause = e.getCause();
    if (cause instanceof ApplicationFailure af) {
      return af.getOriginalMessage();
    }
    return cause instanceof TemporalFailure tf ? tf.getOriginalMessage() : e.getOriginalMessage();
  }
}
