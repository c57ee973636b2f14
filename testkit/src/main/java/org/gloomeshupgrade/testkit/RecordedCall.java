package org.gloomeshupgrade.testkit;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/** One HTTP request a simulated API server received, recorded before it was answered. */
public final class RecordedCall {

  private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final long sequence;
  private final String method;
  private final String path;
  private final String body;
  private final String userAgent;
  private final String user;
  private final String contentType;
  private final Instant time;
  private volatile int responseCode = -1;
  private volatile String responseBody = "";

  RecordedCall(
      long sequence,
      String method,
      String path,
      String body,
      String userAgent,
      String user,
      String contentType,
      Instant time) {
    this.sequence = sequence;
    this.method = method == null ? "" : method.toUpperCase(Locale.ROOT);
    this.path = path == null ? "" : path;
    this.body = body == null ? "" : body;
    this.userAgent = userAgent;
    this.user = user;
    this.contentType = contentType;
    this.time = time;
  }

  /**
   * Position among all requests this server received, from 1; gaps mean calls dropped by {@link
   * RequestJournal#clear()} or the retention limit.
   */
  public long sequence() {
    return sequence;
  }

  public String method() {
    return method;
  }

  /** The request target: path and query string. */
  public String path() {
    return path;
  }

  public String pathWithoutQuery() {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  /** The query string without '?', or "" when there is none. */
  public String query() {
    int q = path.indexOf('?');
    return q < 0 ? "" : path.substring(q + 1);
  }

  /** The request body as UTF-8 text, "" when there was none. */
  public String body() {
    return body;
  }

  public String userAgent() {
    return userAgent;
  }

  /**
   * The user the server authenticated, from a real API server's audit log; null on the mock, which
   * authenticates nobody.
   */
  public String user() {
    return user;
  }

  public String contentType() {
    return contentType;
  }

  public Instant time() {
    return time;
  }

  /** The status code that was answered, or -1 while the request is still being handled. */
  public int responseCode() {
    return responseCode;
  }

  /** True when the server answered 2xx: the request did what it asked. */
  public boolean succeeded() {
    return responseCode >= 200 && responseCode <= 299;
  }

  void responseCode(int code) {
    this.responseCode = code;
  }

  /**
   * The body of the answer as UTF-8 text where it was recorded: on a real API server, for pod
   * creations only (a ReplicaSet's pod gets its name there); "" otherwise.
   */
  public String responseBody() {
    return responseBody;
  }

  void responseBody(String body) {
    this.responseBody = body == null ? "" : body;
  }

  /** True for requests the simulator's own controllers, seeding and test clients sent. */
  public boolean fromSimulator() {
    return SimulatedGlooMesh.SIMULATOR_USER_AGENT.equals(userAgent);
  }

  /**
   * True for requests of Kubernetes' own components on a real API server: the controller manager,
   * the scheduler and kwok's kubelets.
   */
  public boolean fromCluster() {
    return ClusterTokens.isComponent(user, userAgent);
  }

  /**
   * A write that changes state; creating an access review only asks a question, so it is not one.
   */
  public boolean isMutating() {
    return MUTATING.contains(method) && !isAccessReview();
  }

  public boolean isAccessReview() {
    return pathWithoutQuery().startsWith("/apis/authorization.k8s.io/")
        && pathWithoutQuery().endsWith("accessreviews");
  }

  /**
   * True when dryRun was asked for: a real server validates and stores nothing; the mock answers
   * without storing.
   */
  public boolean isDryRun() {
    for (String parameter : query().split("&")) {
      if (parameter.startsWith("dryRun=")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "#"
        + sequence
        + " "
        + method
        + " "
        + path
        + (responseCode < 0 ? "" : " -> " + responseCode)
        + (body.isEmpty() ? "" : " " + abbreviate(body));
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
