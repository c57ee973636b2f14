package org.gloomeshupgrade.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reverse proxy in front of one simulated cluster's API server that answers the faults a {@link
 * FaultInjector} arms: an error status (the request goes no further), a reset connection, or an
 * answer held past the client's timeout (both after the API server has handled the request).
 * Everything else, watches over WebSockets included, passes through unchanged, the bearer token
 * too. Clients under test reach the cluster through it; the simulator's own clients and Kubernetes'
 * own components go to the API server directly.
 */
final class FaultProxy implements AutoCloseable {

  /**
   * How long a {@link FaultKind#TIMEOUT} fault holds an answer before resetting the connection:
   * past fabric8's 10 s default request timeout. Helm's Go client has no request timeout; it sees
   * the reset.
   */
  static final Duration HELD_ANSWER = Duration.ofSeconds(12);

  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  /** Headers about one hop that a proxy must not pass on (RFC 9110, section 7.6.1). */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host");

  private final Vertx vertx;
  private final HttpServer server;
  private final HttpClient client;
  private final FaultInjector faults;
  private final URI target;
  private final String cluster;

  private FaultProxy(
      Vertx vertx,
      HttpServer server,
      HttpClient client,
      FaultInjector faults,
      URI target,
      String cluster) {
    this.vertx = vertx;
    this.server = server;
    this.client = client;
    this.faults = faults;
    this.target = target;
    this.cluster = cluster;
  }

  /**
   * Starts a proxy on a free loopback port in front of {@code target}. An https target is served
   * over TLS with the API server's own serving certificate, so clients trust it through the same
   * CA.
   *
   * @param tls the API server's serving certificate, key and CA; null for a plain-http target
   */
  static FaultProxy start(String cluster, String target, FaultInjector faults, Tls tls) {
    URI uri = URI.create(target);
    boolean https = uri.getScheme().equals("https");
    if (https != (tls != null)) {
      throw new IllegalArgumentException(
          "an https API server needs its certificates, a plain one none: " + target);
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    // SO_LINGER 0: closing a connection sends a TCP reset, not an orderly close.
    HttpServerOptions serverOptions =
        new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSoLinger(0);
    HttpClientOptions clientOptions =
        new HttpClientOptions()
            .setDefaultHost(uri.getHost())
            .setDefaultPort(uri.getPort())
            .setMaxPoolSize(64)
            .setMaxWebSockets(64);
    if (https) {
      serverOptions
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(tls.certificate().toString())
                  .setKeyPath(tls.key().toString()));
      clientOptions
          .setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(tls.caPem())));
    }
    HttpServer server = vertx.createHttpServer(serverOptions);
    FaultProxy proxy =
        new FaultProxy(vertx, server, vertx.createHttpClient(clientOptions), faults, uri, cluster);
    server.webSocketHandler(proxy::forwardWebSocket).requestHandler(proxy::handle);
    try {
      server
          .listen()
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      vertx.close();
      throw new IllegalStateException("interrupted starting the fault proxy of " + cluster, e);
    } catch (ExecutionException | TimeoutException e) {
      vertx.close();
      throw new IllegalStateException("the fault proxy of " + cluster + " did not start", e);
    }
    faults.answeredByProxy();
    LOG.debug("fault proxy of {} on port {} in front of {}", cluster, server.actualPort(), target);
    return proxy;
  }

  /** The URL clients under test use instead of the API server's. */
  String url() {
    return "%s://127.0.0.1:%d".formatted(target.getScheme(), server.actualPort());
  }

  private void handle(HttpServerRequest in) {
    in.pause();
    String method = in.method().name();
    FaultInjector.Fault fault = faults.next(method, in.uri());
    if (fault != null && fault.kind() == FaultKind.STATUS) {
      answerWithStatus(in, fault);
      return;
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(in.method())
            .setURI(in.uri())
            .setHeaders(endToEnd(in.headers()));
    client
        .request(options)
        .compose(out -> out.send(in))
        .onSuccess(answer -> relay(in, answer, fault))
        .onFailure(
            e -> {
              LOG.debug("{}: {} {} could not be forwarded", cluster, method, in.uri(), e);
              if (!in.response().headWritten()) {
                in.response().setStatusCode(502).end();
              } else {
                in.connection().close();
              }
            });
  }

  private void answerWithStatus(HttpServerRequest in, FaultInjector.Fault fault) {
    in.resume();
    var response =
        in.response()
            .setStatusCode(fault.status())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (fault.status() == 429) {
      response.putHeader("Retry-After", String.valueOf(fault.retryAfterSeconds()));
    }
    response.end(
        FaultInjector.statusBody(fault.status(), fault.message(), fault.retryAfterSeconds()));
  }

  /** Passes the API server's answer on, or loses it as the fault says. */
  private void relay(HttpServerRequest in, HttpClientResponse answer, FaultInjector.Fault fault) {
    if (fault != null) {
      // Read the answer whole, so the API server is done with the request before the client
      // learns anything, then lose it.
      answer
          .body()
          .onComplete(
              ignored -> {
                if (fault.kind() == FaultKind.RESET) {
                  in.connection().close();
                } else {
                  vertx.setTimer(HELD_ANSWER.toMillis(), id -> in.connection().close());
                }
              });
      return;
    }
    var response = in.response().setStatusCode(answer.statusCode());
    response.setStatusMessage(answer.statusMessage());
    response.headers().addAll(endToEnd(answer.headers()));
    if (answer.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
      response.setChunked(true);
    }
    answer.pipeTo(response);
  }

  /** Watches: the upgrade is forwarded first, so the client sees the API server's refusal too. */
  private void forwardWebSocket(ServerWebSocket in) {
    in.pause();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setURI(in.uri());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    in.headers()
        .forEach(
            header -> {
              String name = header.getKey().toLowerCase(Locale.ROOT);
              if (!HOP_BY_HOP.contains(name) && !name.startsWith("sec-websocket-")) {
                headers.add(header.getKey(), header.getValue());
              }
            });
    options.setHeaders(headers);
    String protocols = in.headers().get("Sec-WebSocket-Protocol");
    if (protocols != null) {
      options.setSubProtocols(List.of(protocols.split(",")).stream().map(String::trim).toList());
    }
    in.setHandshake(
        client
            .webSocket(options)
            .map(
                out -> {
                  out.frameHandler(in::writeFrame);
                  in.frameHandler(out::writeFrame);
                  out.closeHandler(v -> in.close());
                  in.closeHandler(v -> out.close());
                  out.exceptionHandler(e -> in.close());
                  in.exceptionHandler(e -> out.close());
                  in.resume();
                  return 101;
                }));
  }

  private static MultiMap endToEnd(MultiMap headers) {
    MultiMap copy = MultiMap.caseInsensitiveMultiMap();
    headers.forEach(
        header -> {
          if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
            copy.add(header.getKey(), header.getValue());
          }
        });
    return copy;
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("fault proxy of {} did not close cleanly", cluster, e);
    }
  }

  /** The serving certificate and key of an https API server, and the CA that signed it. */
  record Tls(Path certificate, Path key, String caPem) {}
}
