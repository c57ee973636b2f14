package org.gloomeshupgrade.workflow;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.util.List;
import java.util.stream.Collectors;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.deployments.ScaleResult;
import org.gloomeshupgrade.registration.ReRegisterResult;

/**
 * How the run words what it did, for the status, the UI and the logs. Pure: workflow code calls it.
 */
final class Messages {
  private Messages() {}

  /** "a", "a and b", "a, b and c". */
  static String and(List<String> words) {
    return words.size() == 1
        ? words.get(0)
        : String.join(", ", words.subList(0, words.size() - 1))
            + " and "
            + words.get(words.size() - 1);
  }

  /** "networking 3->0", with " (already)" when it was there. */
  static String describe(ScaleResult r) {
    return "%s %d->%d%s"
        .formatted(
            r.deployment(), r.previousReplicas(), r.replicas(), r.changed() ? "" : " (already)");
  }

  static String describe(ReRegisterResult r) {
    if ("meshctl".equals(r.method())) {
      return "by meshctl cluster register";
    }
    return "%d created, %d updated%s"
        .formatted(
            r.created().size(),
            r.updated().size(),
            r.agentReleases().isEmpty() ? "" : "; agents: " + String.join(", ", r.agentReleases()));
  }

  static String describe(ConformanceReview r) {
    String checked =
        "%d resource(s) checked against %s%s"
            .formatted(
                r.resourcesChecked(),
                r.against(),
                r.checks() > 1 ? " (" + r.checks() + " checks)" : "");
    String leftToChart =
        r.leftToChart().isEmpty()
            ? ""
            : "; left to the chart, which rewrites them at step 5 and step 6 checks them again: "
                + r.leftToChart().stream()
                    .map(Messages::describe)
                    .collect(Collectors.joining("; "));
    return switch (r.outcome()) {
      case CLEAN -> "conformance: %s, all conform%s".formatted(checked, leftToChart);
      case ACCEPTED ->
          "conformance: %s, %d problem(s) accepted by %s: %s%s"
              .formatted(checked, r.problemCount(), r.decidedBy(), r.reason(), leftToChart);
      case SKIPPED -> "conformance: skipped by %s: %s".formatted(r.decidedBy(), r.reason());
      case PROBLEMS -> "conformance: %s, %d problem(s)".formatted(checked, r.problemCount());
    };
  }

  static String describe(ConformanceProblem p) {
    return where(p) + ": " + p.problem();
  }

  /** The resource and JSON path of a problem: what an acceptance covers. */
  static String where(ConformanceProblem p) {
    return "%s %s/%s %s".formatted(p.kind(), p.namespace(), p.name(), p.path());
  }

  /** A person's decision, as the run's list of decisions keeps it. */
  static String decision(StepDecision d) {
    return "%s: %s by %s%s"
        .formatted(
            d.step().name(),
            d.decision(),
            d.by(),
            d.reason() == null || d.reason().isBlank() ? "" : " (" + d.reason() + ")");
  }

  /** What the mesh is left as when the run ends at {@code step}, as the end of a sentence. */
  static String safeState(Step step) {
    return step.compareTo(Step.SCALE_DOWN) >= 0 && step.compareTo(Step.NETWORKING) < 0
        ? " (networking stays at 0 replicas)."
        : ".";
  }

  /**
   * Why an activity or the workflow failed, naming the activity: the message a person reads first.
   */
  static String why(TemporalFailure e) {
    Throwable t = e;
    while (t.getCause() != null && t instanceof ActivityFailure) {
      t = t.getCause();
    }
    String message =
        t instanceof ApplicationFailure af
            ? af.getOriginalMessage()
            : t instanceof TemporalFailure tf ? tf.getOriginalMessage() : t.getMessage();
    return e instanceof ActivityFailure af ? af.getActivityType() + ": " + message : message;
  }
}
