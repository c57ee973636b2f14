package org.gloomeshupgrade.demo;

import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.testkit.LocalTemporalServer;

/**
 * The Temporal server the demo runs: Temporal's Java test server (needs nothing), or the CLI's dev
 * server with its web UI.
 */
interface DemoTemporal extends AutoCloseable {

  String address();

  /** The web UI, when this server has one. */
  Optional<String> uiUrl();

  @Override
  void close();

  static DemoTemporal testServer(int port) {
    LocalTemporalServer server = LocalTemporalServer.start(port);
    return new DemoTemporal() {
      @Override
      public String address() {
        return server.address();
      }

      @Override
      public Optional<String> uiUrl() {
        return Optional.empty();
      }

      @Override
      public void close() {
        server.close();
      }
    };
  }

  /**
   * {@code temporal server start-dev} on 127.0.0.1, its database in a temporary file, the UI on
   * {@code uiPort}.
   */
  static DemoTemporal devServer(Path cli, int port, int uiPort) {
    Path folder;
    Process process;
    try {
      folder = Files.createTempDirectory("gmu-demo-temporal-");
      process =
          new ProcessBuilder(
                  List.of(
                      cli.toString(),
                      "server",
                      "start-dev",
                      "--ip",
                      "127.0.0.1",
                      "--port",
                      String.valueOf(port),
                      "--ui-port",
                      String.valueOf(uiPort),
                      "--db-filename",
                      folder.resolve("temporal.db").toString(),
                      "--log-level",
                      "warn"))
              .redirectErrorStream(true)
              .redirectOutput(folder.resolve("server.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + cli + " server start-dev", e);
    }
    String address = "127.0.0.1:" + port;
    awaitServing(process, address, folder.resolve("server.log"));
    return new DemoTemporal() {
      @Override
      public String address() {
        return address;
      }

      @Override
      public Optional<String> uiUrl() {
        return Optional.of("http://127.0.0.1:" + uiPort);
      }

      @Override
      public void close() {
        process.destroy();
        try {
          if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        } catch (InterruptedException e) {
          process.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  private static void awaitServing(Process process, String address, Path log) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "temporal server start-dev exited with "
                + process.exitValue()
                + " (is port "
                + address
                + " taken? choose another with --port): "
                + tail(log));
      }
      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
      try {
        stubs.healthCheck();
        return;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException(
              "temporal server start-dev did not serve on "
                  + address
                  + " within 60s: "
                  + tail(log));
        }
      } finally {
        stubs.shutdownNow();
      }
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
