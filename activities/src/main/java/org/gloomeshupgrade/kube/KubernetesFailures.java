package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import org.gloomeshupgrade.workflow.FailureTypes;

/**
 * Turns a Kubernetes API error into a Temporal failure a person can act on: errors no retry can fix
 * (401, 403, 404 of a required object, 400/422) are non-retryable; the rest (5xx, 429, 409, I/O and
 * timeouts) retry with the activity's backoff, except that a 429 waits as long as the API server's
 * Retry-After asks (within {@link #MOST_RETRY_AFTER}).
 */
public final class KubernetesFailures {
  /** A longer Retry-After is cut to this: the activity's own retries take over after it. */
  static final Duration MOST_RETRY_AFTER = Duration.ofMinutes(1);

  private KubernetesFailures() {}

  /**
   * @param action what was being done, for example "scaling deployment gloo-mesh/networking"
   * @param context the kubeconfig context of the cluster
   */
  public static ApplicationFailure translate(
      KubernetesClientException e, String action, String context) {
    int code = e.getCode();
    String server = serverMessage(e);
    String where = action + " on cluster " + context;
    return switch (code) {
      case 401 ->
          ApplicationFailure.newNonRetryableFailure(
              "401 Unauthorized while "
                  + where
                  + ": the credentials of context "
                  + context
                  + " were refused. Refresh the worker's kubeconfig (expired token or certificate?) and retry the step.",
              FailureTypes.UNAUTHORIZED);
      case 403 ->
          ApplicationFailure.newNonRetryableFailure(
              "403 Forbidden while "
                  + where
                  + ": the worker's identity lacks a permission ("
                  + server
                  + "). Grant it (see deploy/rbac in the README) and retry the step.",
              FailureTypes.FORBIDDEN);
      case 404 ->
          ApplicationFailure.newNonRetryableFailure(
              "404 Not Found while "
                  + where
                  + ": "
                  + server
                  + ". Check the name and namespace in the request (namespace, deployment names) and retry the step.",
              FailureTypes.NOT_FOUND);
      case 400, 422 ->
          ApplicationFailure.newNonRetryableFailure(
              code
                  + " Invalid while "
                  + where
                  + ": the API server refused the object ("
                  + server
                  + "). Fix the object or its source and retry the step.",
              FailureTypes.INVALID_OBJECT);
      case 429 -> tooManyRequests(e, where, server);
      default ->
          ApplicationFailure.newFailure(
              code < 100
                  ? "No answer while %s: %s. Retrying with backoff.".formatted(where, lost(e))
                  : "%d error while %s: %s. Retrying with backoff.".formatted(code, where, server),
              FailureTypes.SERVER_ERROR);
    };
  }

  /**
   * A request that ended without the API server's answer to it: no answer at all (a timeout, a
   * reset connection) or the server's own 504 timeout. Whether it took effect, or how much of it,
   * is unknown.
   */
  public static boolean unanswered(KubernetesClientException e) {
    return e.getCode() < 100 || e.getCode() == 504;
  }

  /** Wraps a block that talks to the API server, translating its errors. */
  public static <T> T call(String action, String context, ApiCall<T> call) {
    try {
      return call.run();
    } catch (KubernetesClientException e) {
      throw translate(e, action, context);
    }
  }

  /**
   * A throttled request: the next attempt comes when the server's Retry-After (its Status details'
   * retryAfterSeconds, which API servers send with the header) says, instead of the backoff.
   */
  private static ApplicationFailure tooManyRequests(
      KubernetesClientException e, String where, String server) {
    Integer seconds =
        e.getStatus() == null || e.getStatus().getDetails() == null
            ? null
            : e.getStatus().getDetails().getRetryAfterSeconds();
    ApplicationFailure.Builder failure =
        ApplicationFailure.newBuilder().setType(FailureTypes.SERVER_ERROR);
    if (seconds == null || seconds <= 0) {
      return failure
          .setMessage(
              "429 Too Many Requests while %s: %s. Retrying with backoff.".formatted(where, server))
          .build();
    }
    Duration wait = Duration.ofSeconds(Math.min(seconds, MOST_RETRY_AFTER.toSeconds()));
    return failure
        .setMessage(
            "429 Too Many Requests while %s: %s. Retrying after %d s, as the API server asks."
                .formatted(where, server, wait.toSeconds()))
        .setNextRetryDelay(wait)
        .build();
  }

  /**
   * Why no answer came (a reset connection, a timeout), from the innermost cause: fabric8's own
   * message then only says "An error has occurred". Whether the write happened is unknown.
   */
  private static String lost(KubernetesClientException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why =
        root == e
            ? serverMessage(e)
            : "%s%s"
                .formatted(
                    root.getClass().getSimpleName(),
                    root.getMessage() == null ? "" : ": " + root.getMessage());
    return "the request may or may not have been applied (%s)".formatted(why);
  }

  private static String serverMessage(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    String m = e.getMessage();
    if (m == null && e.getCause() != null) {
      m = e.getCause().toString();
    }
    return m == null ? "no message" : m;
  }

  /** A call to the API server. */
  @FunctionalInterface
  public interface ApiCall<T> {
    T run();
  }
}
