package org.gloomeshupgrade.notify;

import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications to the destinations of the worker's notifications file. A failure's
 * message, which the workflow's history keeps, names the destination and what happened in our own
 * words, never its URL or token; so does the log.
 */
public class NotificationActivitiesImpl implements NotificationActivities {
  private static final Logger log = LoggerFactory.getLogger(NotificationActivitiesImpl.class);

  private final NotificationSettings settings;
  private final WebhookPost post;
  private final Supplier<Optional<String>> namespace;

  public NotificationActivitiesImpl(NotificationSettings settings) {
    this(settings, defaultClient());
  }

  /**
   * @param http should not follow redirects: a redirect would carry the token elsewhere
   */
  public NotificationActivitiesImpl(NotificationSettings settings, HttpClient http) {
    this(settings, http, NotificationActivitiesImpl::currentNamespace);
  }

  /**
   * @param namespace the Temporal namespace of the run, for the Temporal UI's link; empty when not
   *     known (no link then)
   */
  NotificationActivitiesImpl(
      NotificationSettings settings, HttpClient http, Supplier<Optional<String>> namespace) {
    this.settings = settings;
    this.post = new WebhookPost(http);
    this.namespace = namespace;
  }

  static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        // Each request has its destination's own timeout; this only bounds connecting.
        .connectTimeout(NotificationSettingsFile.MAX_TIMEOUT)
        .build();
  }

  @Override
  public List<NotificationRoute> routes() {
    return settings.routes();
  }

  @Override
  public DeliveryReceipt deliver(String destination, Notification notification) {
    long started = System.nanoTime();
    Optional<Destination> found = settings.destination(destination);
    if (found.isEmpty()) {
      String what =
          settings.names().isEmpty()
              ? "no such destination: this worker has none"
              : "no such destination on this worker; it has %s"
                  .formatted(String.join(", ", settings.names()));
      throw failed(destination, notification, what, false, List.of(), started);
    }
    Destination d = found.get();
    List<String> secrets = new ArrayList<>();
    Optional<String> url = d.url().read();
    if (url.isEmpty()) {
      // Fixing the file or variable on the worker needs no new run: retried.
      throw failed(destination, notification, d.url().unreadable(), true, secrets, started);
    }
    secrets.addAll(Redaction.partsOf(url.get()));
    Optional<URI> uri = HttpUrls.parse(url.get());
    if (uri.isEmpty()) {
      throw failed(
          destination,
          notification,
          d.url().describe() + " does not hold an http or https URL",
          true,
          secrets,
          started);
    }
    Optional<String> token = Optional.empty();
    if (d.token().isPresent()) {
      token = d.token().get().read();
      if (token.isEmpty()) {
        throw failed(
            destination, notification, d.token().get().unreadable(), true, secrets, started);
      }
      secrets.add(token.get());
    }
    HttpRequest request;
    try {
      request = request(d, uri.get(), token, notification);
    } catch (IllegalArgumentException e) {
      throw failed(
          destination,
          notification,
          "the request could not be built (a header value is not valid)",
          false,
          secrets,
          started);
    }
    WebhookPost.Result result = post.send(request, d.timeout());
    if (result instanceof WebhookPost.Unanswered unanswered) {
      throw failed(destination, notification, unanswered.what(), true, secrets, started);
    }
    WebhookPost.Answered answered = (WebhookPost.Answered) result;
    int status = answered.status();
    if (status >= 200 && status < 300) {
      long took = millisSince(started);
      log.info(
          "notify: {} of {} to {}: HTTP {} in {} ms",
          event(notification),
          notification.workflowId(),
          destination,
          status,
          took);
      return new DeliveryReceipt(destination, status, took);
    }
    String excerpt = WebhookPost.excerpt(Redaction.scrub(answered.body(), secrets));
    String what =
        excerpt.isEmpty() ? "HTTP %d".formatted(status) : "HTTP %d (%s)".formatted(status, excerpt);
    if (status >= 300 && status < 400) {
      what += ": redirects are not followed";
    }
    boolean retryable = status == 429 || status >= 500;
    throw failed(destination, notification, what, retryable, secrets, started);
  }

  private HttpRequest request(
      Destination d, URI uri, Optional<String> token, Notification notification) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(d.timeout())
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    d.kind().render(notification, link(notification)), StandardCharsets.UTF_8));
    if (notification.id() != null && !notification.id().isEmpty()) {
      request.header("Idempotency-Key", notification.id());
    }
    if (d.kind() == DestinationKind.WEBHOOK) {
      request.header("X-Gmu-Event", event(notification));
    }
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    d.headers().forEach(request::header);
    return request.build();
  }

  private String link(Notification n) {
    Optional<String> ui = settings.temporalUi();
    if (ui.isEmpty()) {
      return "";
    }
    return namespace
        .get()
        .map(ns -> TemporalUiLink.of(ui.get(), ns, n.workflowId(), n.runId()))
        .orElse("");
  }

  private static Optional<String> currentNamespace() {
    try {
      return Optional.of(Activity.getExecutionContext().getInfo().getNamespace());
    } catch (IllegalStateException notInAnActivity) {
      return Optional.empty();
    }
  }

  /**
   * Logs the failure and makes it the activity's: "pager: HTTP 500". No cause is attached: its
   * message could hold the URL.
   */
  private static ApplicationFailure failed(
      String destination,
      Notification notification,
      String what,
      boolean retryable,
      List<String> secrets,
      long started) {
    String clean = Redaction.scrub(what, secrets);
    log.warn(
        "notify: {} of {} to {}: {} in {} ms",
        event(notification),
        notification.workflowId(),
        destination,
        clean,
        millisSince(started));
    String message = "%s: %s".formatted(destination, clean);
    return retryable
        ? ApplicationFailure.newFailure(message, FailureTypes.NOTIFICATION_UNDELIVERED)
        : ApplicationFailure.newNonRetryableFailure(message, FailureTypes.NOTIFICATION_REFUSED);
  }

  private static String event(Notification n) {
    return n.event() == null ? "notification" : n.event().wireName();
  }

  private static long millisSince(long started) {
    return Duration.ofNanos(System.nanoTime() - started).toMillis();
  }
}
