package org.gloomeshupgrade.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The worker's HTTP port: {@code /metrics} for Prometheus, {@code /livez} and {@code /readyz} for
 * Kubernetes' probes. Prometheus' own exporter serves the metrics on the JDK's HTTP server; the
 * probes are two more paths on it.
 */
public final class WorkerEndpoints implements AutoCloseable {
  public static final String METRICS = "/metrics";
  public static final String LIVE = "/livez";
  public static final String READY = "/readyz";

  private final HTTPServer exporter;

  private WorkerEndpoints(HTTPServer exporter) {
    this.exporter = exporter;
  }

  /**
   * Serves on the port (0 for any free one) on every interface, as a pod's probes and scrapes come
   * to the pod's address.
   *
   * @param notReadyBecause why the worker is not ready, empty once it is
   */
  public static WorkerEndpoints start(
      int port, WorkerMetrics metrics, Supplier<Optional<String>> notReadyBecause) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
      // Registered before the exporter's catch-all "/" context, which would answer them otherwise.
      server.createContext(LIVE, exchange -> answer(exchange, 200, "ok"));
      server.createContext(
          READY,
          exchange -> {
            Optional<String> reason = notReadyBecause.get();
            answer(exchange, reason.isEmpty() ? 200 : 503, reason.orElse("ready"));
          });
      HTTPServer exporter =
          new HTTPServer.Builder()
              .withHttpServer(server)
              .withRegistry(metrics.prometheus().getPrometheusRegistry())
              .withDaemonThreads(true)
              .build();
      return new WorkerEndpoints(exporter);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on port %d".formatted(port), e);
    }
  }

  public int port() {
    return exporter.getPort();
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    exporter.close();
  }
}
