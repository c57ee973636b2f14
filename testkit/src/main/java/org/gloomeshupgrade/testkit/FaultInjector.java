package org.gloomeshupgrade.testkit;

import io.fabric8.mockwebserver.http.MockResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Makes a simulated API server fail chosen requests, to drive retry and failure paths. Requests
 * sent with the simulator's User-Agent are never failed: the fake controllers keep working.
 *
 * <p>Without a {@link FaultProxy} the mock server answers status faults itself. With one (the
 * builder's {@code faultProxy()}, on either backend) the proxy in front of the API server answers
 * them, and can also reset the connection or hold the answer past the client's timeout.
 */
public final class FaultInjector {

  /** The Retry-After of an injected 429 unless a test chooses one, in seconds. */
  static final int THROTTLED_RETRY_AFTER_SECONDS = 1;

  private final Object lock = new Object();
  private final List<Rule> rules = new ArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();
  private final List<RequestHold> holds = new ArrayList<>();
  private volatile boolean proxied;

  FaultInjector() {}

  /** From now on a {@link FaultProxy} answers the faults, not the mock server. */
  void answeredByProxy() {
    proxied = true;
  }

  /** True when a {@link FaultProxy} answers the faults. */
  boolean proxied() {
    return proxied;
  }

  /**
   * The next {@code times} requests with this method whose path (query included) contains a match
   * of {@code pathRegex} are answered with {@code httpStatus} and a Kubernetes Status body instead
   * of being handled. Anchor the regex ({@code ^...$}) to match a whole path.
   *
   * @param method HTTP method, case-insensitive; "*" or null for any
   */
  public ArmedFault failNext(String method, String pathRegex, int httpStatus, int times) {
    if (httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException(
          "an injected fault needs an error status, not " + httpStatus);
    }
    return arm(method, pathRegex, FaultKind.STATUS, httpStatus, times);
  }

  /**
   * The next {@code times} matching requests reach the API server, which handles them, but the
   * connection is reset before its answer reaches the client: the client cannot tell whether its
   * write happened. Needs the fault proxy.
   */
  public ArmedFault resetNext(String method, String pathRegex, int times) {
    return arm(method, pathRegex, FaultKind.RESET, 0, times);
  }

  /**
   * The next {@code times} matching requests reach the API server, which handles them, but the
   * answer is held for {@link FaultProxy#HELD_ANSWER} (past the client's request timeout) and then
   * the connection is reset. Needs the fault proxy.
   */
  public ArmedFault timeOutNext(String method, String pathRegex, int times) {
    return arm(method, pathRegex, FaultKind.TIMEOUT, 0, times);
  }

  private ArmedFault arm(String method, String pathRegex, FaultKind kind, int status, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1, was " + times);
    }
    if (kind != FaultKind.STATUS && !proxied) {
      throw new UnsupportedOperationException(
          "a %s fault needs the fault proxy: build the simulation with faultProxy()"
              .formatted(kind.name().toLowerCase(Locale.ROOT)));
    }
    Rule rule =
        new Rule(
            method == null || method.equals("*") ? null : method.toUpperCase(Locale.ROOT),
            Pattern.compile(pathRegex),
            kind,
            status,
            times);
    synchronized (lock) {
      rules.add(rule);
    }
    return rule;
  }

  /**
   * Lets the next {@code passing} matching requests through, then fails one, as {@link
   * #failNext(String, String, int, int)} does: a fault in the middle of a series of writes.
   */
  public ArmedFault failAfter(String method, String pathRegex, int passing, int httpStatus) {
    if (passing < 0) {
      throw new IllegalArgumentException("passing must be 0 or more, was " + passing);
    }
    Rule rule = (Rule) failNext(method, pathRegex, httpStatus, 1);
    synchronized (lock) {
      rule.passing = passing;
    }
    return rule;
  }

  /**
   * The next {@code times} matching requests are answered 429 Too Many Requests with a Retry-After
   * of {@code retryAfterSeconds}, as an API server's flow control throttles a client.
   */
  public ArmedFault throttleNext(
      String method, String pathRegex, int retryAfterSeconds, int times) {
    if (retryAfterSeconds < 1) {
      throw new IllegalArgumentException(
          "retryAfterSeconds must be at least 1, was " + retryAfterSeconds);
    }
    Rule rule = (Rule) failNext(method, pathRegex, 429, times);
    synchronized (lock) {
      rule.retryAfterSeconds = retryAfterSeconds;
    }
    return rule;
  }

  /** {@link #failNext(String, String, int, int)} once. */
  public ArmedFault failNext(String method, String pathRegex, int httpStatus) {
    return failNext(method, pathRegex, httpStatus, 1);
  }

  /**
   * Holds the first request from the code under test (not the simulator's controllers) for which
   * {@code when} is true, from now on, until the returned hold is released. {@code when} may be
   * slow (ask Temporal what runs, say): it is asked only while the hold waits for its request.
   */
  public RequestHold holdFirst(Predicate<RecordedCall> when) {
    RequestHold hold = new RequestHold(when);
    synchronized (lock) {
      holds.add(hold);
    }
    return hold;
  }

  /** Holds the call when an armed hold takes it; returns once it is released. */
  void holdIfWanted(RecordedCall call) {
    RequestHold taking;
    synchronized (lock) {
      taking = holds.stream().filter(hold -> hold.takes(call)).findFirst().orElse(null);
      if (taking != null) {
        holds.remove(taking);
      }
    }
    if (taking != null) {
      taking.hold(call);
    }
  }

  /** Drops every pending fault. */
  public void clear() {
    synchronized (lock) {
      rules.clear();
    }
  }

  /** How many injected failures are still waiting for a matching request. */
  public int pending() {
    synchronized (lock) {
      return rules.stream().mapToInt(r -> r.remaining).sum();
    }
  }

  /** How many requests have been answered with an injected failure so far. */
  public int injectedCount() {
    return injected.get();
  }

  /**
   * The mock server's answer to this request when a status fault is due, consuming one use of the
   * first matching rule; null when none is due or the proxy answers faults.
   */
  MockResponse match(String method, String path) {
    if (proxied) {
      return null;
    }
    Fault fault = next(method, path);
    return fault == null
        ? null
        : statusResponse(fault.status(), fault.message(), fault.retryAfterSeconds());
  }

  /** The fault due for this request, consuming one use of the first matching rule; or null. */
  Fault next(String method, String path) {
    synchronized (lock) {
      for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
        Rule rule = it.next();
        if ((rule.method == null || rule.method.equalsIgnoreCase(method))
            && rule.path.matcher(path).find()) {
          if (rule.passing > 0) {
            rule.passing--;
            continue;
          }
          rule.remaining--;
          if (rule.remaining <= 0) {
            it.remove();
          }
          rule.injected.incrementAndGet();
          injected.incrementAndGet();
          return new Fault(
              rule.kind,
              rule.status,
              rule.retryAfterSeconds,
              "injected fault for %s %s".formatted(method, path));
        }
      }
      return null;
    }
  }

  /** The fault due for one request. */
  record Fault(FaultKind kind, int status, int retryAfterSeconds, String message) {}

  /**
   * The answer a real API server gives with this status. A 429 carries a Retry-After, in its header
   * and in the Status details, as the API server's flow control sends it.
   */
  static MockResponse statusResponse(int code, String message) {
    return statusResponse(code, message, THROTTLED_RETRY_AFTER_SECONDS);
  }

  private static MockResponse statusResponse(int code, String message, int retryAfterSeconds) {
    MockResponse response =
        new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json");
    if (code == 429) {
      response.setHeader("Retry-After", String.valueOf(retryAfterSeconds));
    }
    return response.setBody(statusBody(code, message, retryAfterSeconds));
  }

  /**
   * The Kubernetes Status a real API server sends with this code. A 429 carries a Retry-After in
   * its details, as the API server's flow control sends it (and in a header, which callers add).
   */
  static String statusBody(int code, String message, int retryAfterSeconds) {
    Map<String, Object> status =
        Json.map(
            "kind",
            "Status",
            "apiVersion",
            "v1",
            "metadata",
            Json.map(),
            "status",
            "Failure",
            "message",
            message,
            "reason",
            reason(code),
            "code",
            code);
    if (code == 429) {
      status.put("details", Json.map("retryAfterSeconds", retryAfterSeconds));
    }
    return Json.toJson(status);
  }

  /**
   * The reason a real API server gives with each status, so clients classify the failure the same
   * way.
   */
  static String reason(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> "Conflict";
      case 410 -> "Expired";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      case 503 -> "ServiceUnavailable";
      case 504 -> "Timeout";
      default -> code >= 500 ? "InternalError" : "BadRequest";
    };
  }

  private static final class Rule implements ArmedFault {
    final String method;
    final Pattern path;
    final FaultKind kind;
    final int status;
    final AtomicInteger injected = new AtomicInteger();
    int remaining;
    int passing;
    int retryAfterSeconds = THROTTLED_RETRY_AFTER_SECONDS;

    Rule(String method, Pattern path, FaultKind kind, int status, int remaining) {
      this.method = method;
      this.path = path;
      this.kind = kind;
      this.status = status;
      this.remaining = remaining;
    }

    @Override
    public int injected() {
      return injected.get();
    }
  }
}
