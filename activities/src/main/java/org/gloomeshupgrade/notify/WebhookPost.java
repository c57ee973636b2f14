package org.gloomeshupgrade.notify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Sends one POST and says what came of it in our own words: an exception's message may hold the
 * URL, and what this says ends up in a workflow's history.
 */
final class WebhookPost {
  /** How much of an answer's body is kept, for the excerpt in a failure. */
  private static final int BODY_KEPT = 2048;

  /** Longest excerpt of an answer's body in a message. */
  static final int EXCERPT = 200;

  /** Lets the client's own timeout, with its clearer cause, usually come first. */
  private static final Duration GRACE = Duration.ofMillis(250);

  private final HttpClient http;

  WebhookPost(HttpClient http) {
    this.http = http;
  }

  /** What came of a POST. */
  sealed interface Result permits Answered, Unanswered {}

  /**
   * @param body what was kept of the body, as one line of printable text; "" for none. Not yet
   *     scrubbed: scrub it whole before {@link #excerpt(String)} cuts it, or a secret the receiver
   *     echoed across the cut would survive in part
   */
  record Answered(int status, String body) implements Result {}

  /**
   * @param what "no answer within 5 s", "connection refused", ...
   */
  record Unanswered(String what) implements Result {}

  /**
   * @param timeout for the whole exchange, the answer's body included
   */
  Result send(HttpRequest request, Duration timeout) {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    CompletableFuture<HttpResponse<Void>> answer =
        http.sendAsync(
            request,
            info ->
                HttpResponse.BodySubscribers.ofByteArrayConsumer(
                    chunk -> chunk.ifPresent(bytes -> keep(kept, bytes))));
    try {
      HttpResponse<Void> response =
          answer.get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
      return new Answered(response.statusCode(), oneLine(kept));
    } catch (TimeoutException e) {
      answer.cancel(true);
      return new Unanswered(noAnswer(timeout));
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      return new Unanswered("interrupted before an answer (the worker is stopping)");
    } catch (ExecutionException e) {
      return new Unanswered(describe(e.getCause(), timeout));
    }
  }

  private static void keep(ByteArrayOutputStream kept, byte[] bytes) {
    int room = BODY_KEPT - kept.size();
    if (room > 0) {
      kept.write(bytes, 0, Math.min(room, bytes.length));
    }
  }

  /** What failed, from the kind of exception only: its message may quote the URL. */
  private static String describe(Throwable failure, Duration timeout) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpConnectTimeoutException) {
        return "could not connect within %d s".formatted(seconds(timeout));
      }
      if (t instanceof HttpTimeoutException) {
        return noAnswer(timeout);
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "host not found";
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof SSLException) {
        return "TLS handshake failed";
      }
    }
    return failure instanceof IOException
        ? "connection failed before an answer (%s)".formatted(failure.getClass().getSimpleName())
        : "could not send (%s)".formatted(failure.getClass().getSimpleName());
  }

  private static String noAnswer(Duration timeout) {
    return "no answer within %d s".formatted(seconds(timeout));
  }

  private static long seconds(Duration timeout) {
    return Math.max(1, Math.round(timeout.toMillis() / 1000.0));
  }

  /** The kept body as one line of printable text. */
  static String oneLine(ByteArrayOutputStream kept) {
    return kept.toString(StandardCharsets.UTF_8)
        .codePoints()
        .map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? ' ' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString()
        .replaceAll("\\s+", " ")
        .strip();
  }

  /** At most {@link #EXCERPT} characters of a line. */
  static String excerpt(String printable) {
    if (printable.length() <= EXCERPT) {
      return printable;
    }
    int cut = EXCERPT - 3;
    if (Character.isHighSurrogate(printable.charAt(cut - 1))) {
      cut--;
    }
    return printable.substring(0, cut) + "...";
  }
}
