package org.gloomeshupgrade.notify;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A webhook on 127.0.0.1 for tests: records each request and answers as told, or not at all. */
final class WebhookReceiver implements AutoCloseable {
  /** One request as received. */
  record Received(String method, String path, Headers headers, String body) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile int status = 200;
  private volatile String body = "ok";
  private volatile boolean hang;
  private volatile boolean echo;

  WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext(
        "/",
        exchange -> {
          String requestBody;
          try (InputStream in = exchange.getRequestBody()) {
            requestBody = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders(),
                  requestBody));
          if (hang) {
            try {
              released.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          String answer =
              echo
                  ? "you sent %s with %s"
                      .formatted(
                          exchange.getRequestURI(),
                          exchange.getRequestHeaders().getFirst("Authorization"))
                  : body;
          byte[] out = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
          try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
          }
        });
    server.start();
  }

  WebhookReceiver answer(int status, String body) {
    this.status = status;
    this.body = body;
    return this;
  }

  /** Answers with an error page that repeats the request's URL and Authorization header. */
  WebhookReceiver echoing(int status) {
    this.status = status;
    this.echo = true;
    return this;
  }

  /** Takes the request and never answers (until closed). */
  WebhookReceiver hanging() {
    this.hang = true;
    return this;
  }

  String url(String path) {
    return "http://127.0.0.1:%d%s".formatted(server.getAddress().getPort(), path);
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
