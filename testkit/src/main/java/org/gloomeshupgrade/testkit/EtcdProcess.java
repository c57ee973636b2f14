package org.gloomeshupgrade.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * One etcd on loopback for all API servers of a simulation, each under its own key prefix: one
 * process instead of one per cluster. fsync is off because the data lives only as long as the test.
 */
final class EtcdProcess implements AutoCloseable {

  private final ServerProcess process;
  private final String url;

  private EtcdProcess(ServerProcess process, String url) {
    this.process = process;
    this.url = url;
  }

  static EtcdProcess start(Path folder) {
    return start(folder, FreePort::pick);
  }

  /**
   * Ports from {@code ports}; a port lost to another process before etcd binds it, another start on
   * new ones.
   */
  static EtcdProcess start(Path folder, IntSupplier ports) {
    return FreePort.retryingLostPort(n -> start(folder, n == 1 ? "" : "-" + n, ports));
  }

  private static EtcdProcess start(Path folder, String attempt, IntSupplier ports) {
    int clientPort = ports.getAsInt();
    int peerPort = ports.getAsInt();
    String url = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    ServerProcess process =
        ServerProcess.start(
            "etcd",
            List.of(
                KubeServerBinaries.etcd().toString(),
                "--name",
                "gmu",
                "--data-dir",
                folder.resolve("etcd-data" + attempt).toString(),
                "--listen-client-urls",
                url,
                "--advertise-client-urls",
                url,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "gmu=" + peer,
                "--unsafe-no-fsync",
                "--log-level",
                "warn"),
            folder.resolve("etcd" + attempt + ".log"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      process.awaitReady(
          Duration.ofSeconds(30),
          () -> {
            try {
              HttpResponse<String> health =
                  http.send(
                      HttpRequest.newBuilder(URI.create(url + "/health"))
                          .timeout(Duration.ofSeconds(2))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              return health.statusCode() == 200 && health.body().contains("\"true\"");
            } catch (IOException e) {
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
          });
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    return new EtcdProcess(process, url);
  }

  String url() {
    return url;
  }

  @Override
  public void close() {
    process.close();
  }
}
