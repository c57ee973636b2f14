package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook on a local port, as a Slack workspace or an alerting system would be: it records every
 * request it gets, and answers 200, answers 500, or never answers.
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public enum Behaviour {
    ANSWERS,
    /** 500: retried. */
    FAILS,
    /** 410, as for a Slack webhook that was removed: refused, not retried. */
    GONE,
    HANGS
  }

  /** One request as it arrived. */
  public record Received(
      String path, String idempotencyKey, String event, String auth, JsonNode body) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  public final List<Received> received = new CopyOnWriteArrayList<>();

  public WebhookReceiver(Behaviour behaviour) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext("/", exchange -> answer(exchange, behaviour));
    server.start();
  }

  /** The URL to give the worker, with a path a leak would show. */
  public String url(String secretPath) {
    return "http://127.0.0.1:%d/%s".formatted(server.getAddress().getPort(), secretPath);
  }

  private void answer(HttpExchange exchange, Behaviour behaviour) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(
          new Received(
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders().getFirst("Idempotency-Key"),
              exchange.getRequestHeaders().getFirst("X-Gmu-Event"),
              exchange.getRequestHeaders().getFirst("Authorization"),
              JSON.readTree(new String(body, StandardCharsets.UTF_8))));
      switch (behaviour) {
        case ANSWERS -> send(exchange, 200, "ok");
        case FAILS -> send(exchange, 500, "internal_error");
        case GONE -> send(exchange, 410, "no_service");
        case HANGS -> sleepUntilClosed();
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void sleepUntilClosed() {
    try {
      Thread.sleep(TimeUnit.MINUTES.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
