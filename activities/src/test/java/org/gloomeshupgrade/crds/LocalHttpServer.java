package org.gloomeshupgrade.crds;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Serves fixed files on 127.0.0.1 for tests of URL sources; everything else is 404. */
public final class LocalHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private final List<String> requested = new CopyOnWriteArrayList<>();

  public LocalHttpServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          requested.add(path);
          byte[] body = files.get(path);
          int status = statuses.getOrDefault(path, body == null ? 404 : 200);
          byte[] out =
              status == 200 && body != null
                  ? body
                  : ("status " + status).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, out.length);
          try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
          }
        });
    server.start();
  }

  public LocalHttpServer serve(String path, String body) {
    return serve(path, body.getBytes(StandardCharsets.UTF_8));
  }

  public LocalHttpServer serve(String path, byte[] body) {
    files.put(path, body);
    return this;
  }

  public LocalHttpServer answer(String path, int status) {
    statuses.put(path, status);
    return this;
  }

  /** The base URL, without a trailing slash. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<String> requested() {
    return List.copyOf(requested);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
