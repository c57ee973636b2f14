package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Permissions asked of API servers with SelfSubjectAccessReview, with their answers: the reviews of
 * one cluster and those merged into it. Used before anything changes, so that a person grants
 * everything missing in one go.
 */
public final class PermissionReviews {
  private static final Logger log = LoggerFactory.getLogger(PermissionReviews.class);

  private final KubernetesClient client;
  private final String context;

  /** true: allowed, false: denied, null: the server did not answer. */
  private final Map<PermissionReview, Boolean> answers = new LinkedHashMap<>();

  private final Map<PermissionReview, String> reasons = new LinkedHashMap<>();

  public PermissionReviews(KubernetesClient client, String context) {
    this.client = client;
    this.context = context;
  }

  public void check(List<PermissionReview> reviews) {
    for (PermissionReview r : reviews) {
      if (answers.containsKey(r)) {
        continue;
      }
      // No metadata at all: a real API server refuses a review that carries any (422 Invalid).
      SelfSubjectAccessReview review =
          new SelfSubjectAccessReviewBuilder()
              .withNewSpec()
              .withNewResourceAttributes()
              .withVerb(r.verb())
              .withGroup(r.group())
              .withResource(r.resource())
              .withSubresource(r.subresource().isEmpty() ? null : r.subresource())
              .withNamespace(r.namespace().isEmpty() ? null : r.namespace())
              .endResourceAttributes()
              .endSpec()
              .build();
      SelfSubjectAccessReview answer =
          KubernetesFailures.call(
              "reviewing permission to " + r.describe(),
              context,
              () -> client.authorization().v1().selfSubjectAccessReview().create(review));
      var status = answer == null ? null : answer.getStatus();
      answers.put(
          r,
          status == null
              ? null
              : Boolean.TRUE.equals(status.getAllowed())
                  && !Boolean.TRUE.equals(status.getDenied()));
      if (status != null && status.getReason() != null && !status.getReason().isBlank()) {
        reasons.put(r, status.getReason());
      }
    }
    Heartbeats.beat("reviewed " + answers.size() + " permissions on " + context);
  }

  public void add(PermissionReviews other) {
    answers.putAll(other.answers);
    reasons.putAll(other.reasons);
  }

  public boolean allowedOrUnknown(String context, String verb, String group, String resource) {
    return answers.entrySet().stream()
        .filter(
            e ->
                e.getKey().context().equals(context)
                    && e.getKey().verb().equals(verb)
                    && e.getKey().group().equals(group)
                    && e.getKey().resource().equals(resource))
        .noneMatch(e -> Boolean.FALSE.equals(e.getValue()));
  }

  public int count() {
    return answers.size();
  }

  public void failIfDenied() {
    List<String> denied =
        answers.entrySet().stream()
            .filter(e -> Boolean.FALSE.equals(e.getValue()))
            .map(
                e ->
                    e.getKey().describe()
                        + (reasons.containsKey(e.getKey())
                            ? " (" + reasons.get(e.getKey()) + ")"
                            : ""))
            .toList();
    if (denied.isEmpty()) {
      return;
    }
    log.warn(
        "permissions: {} of {} denied on {}: {}", denied.size(), answers.size(), context, denied);
    throw ApplicationFailure.newNonRetryableFailure(
        "The worker's identity lacks "
            + denied.size()
            + " permission(s) the upgrade needs:\n  - "
            + String.join("\n  - ", denied)
            + "\nGrant them to the worker's user or service account on those clusters (see deploy/rbac in the "
            + "README) and retry the step. Nothing was changed.",
        FailureTypes.MISSING_PERMISSIONS);
  }

  public List<String> unansweredWarnings() {
    Map<String, Long> unanswered =
        answers.entrySet().stream()
            .filter(e -> e.getValue() == null)
            .collect(
                Collectors.groupingBy(
                    e -> e.getKey().context(), TreeMap::new, Collectors.counting()));
    Map<String, Long> total =
        answers.keySet().stream()
            .collect(
                Collectors.groupingBy(
                    PermissionReview::context, TreeMap::new, Collectors.counting()));
    return unanswered.entrySet().stream()
        .map(
            e ->
                e.getValue()
                    + " of "
                    + total.get(e.getKey())
                    + " permission reviews on "
                    + e.getKey()
                    + " came back without an answer (no status): those permissions are unconfirmed, and a missing one "
                    + "will stop the step that needs it")
        .toList();
  }
}
