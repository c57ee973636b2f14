package org.gloomeshupgrade.testkit;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * `temporal server start-dev` with a database file, on a loopback port, and the `temporal` CLI
 * pointed at it; the server can be stopped and started again on the same database. Headless unless
 * {@link #withUi()} asks for the web UI.
 */
public final class DevServer implements AutoCloseable {
  private final Path cli;
  private final Path dir;
  private final int port;
  private int uiPort;
  private Process server;
  private WorkflowServiceStubs service;

  public DevServer(Path dir) throws IOException {
    this.cli = installedCli();
    this.dir = dir;
    this.port = FreePort.pick();
  }

  /** Serves the web UI too, on its own free loopback port. */
  public DevServer withUi() throws IOException {
    uiPort = FreePort.pick();
    return this;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  /** A client of the server's default namespace in plain text; one connection, closed with it. */
  public synchronized WorkflowClient client() {
    if (service == null) {
      service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
    }
    return WorkflowClient.newInstance(
        service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
  }

  public String uiUrl() {
    if (uiPort == 0) {
      throw new IllegalStateException("started headless: call withUi() before start()");
    }
    return "http://127.0.0.1:" + uiPort;
  }

  public DevServer start() throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                cli.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                String.valueOf(port),
                "--db-filename",
                dir.resolve("temporal.db").toString(),
                "--log-level",
                "warn"));
    if (uiPort == 0) {
      command.add("--headless");
    } else {
      command.addAll(List.of("--ui-ip", "127.0.0.1", "--ui-port", String.valueOf(uiPort)));
    }
    server =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
            .start();
    awaitUntil(
        "the frontend to serve", () -> run(0, "operator", "cluster", "health").contains("SERVING"));
    if (uiPort != 0) {
      // The UI server starts beside the frontend, not before it: wait until it answers too.
      awaitUntil("the web UI to answer", this::uiAnswers);
    }
    return this;
  }

  /** Polls every half second for a minute; a failed poll counts as not yet. */
  private void awaitUntil(String what, Callable<Boolean> done) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        if (done.call()) {
          return;
        }
      } catch (Exception | AssertionError notYet) {
        if (notYet instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted waiting for " + what, notYet);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "waited 60 s for %s at %s; server log:%n%s".formatted(what, address(), tail(log())));
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for " + what, e);
      }
    }
  }

  private boolean uiAnswers() throws IOException, InterruptedException {
    HttpRequest settings =
        HttpRequest.newBuilder(URI.create(uiUrl() + "/api/v1/settings"))
            .timeout(Duration.ofSeconds(5))
            .build();
    return HttpClient.newHttpClient()
            .send(settings, HttpResponse.BodyHandlers.discarding())
            .statusCode()
        == 200;
  }

  public void stop() throws InterruptedException {
    server.destroy();
    if (!server.waitFor(30, TimeUnit.SECONDS)) {
      server.destroyForcibly().waitFor();
    }
  }

  public Path log() {
    return dir.resolve("server.log");
  }

  /** Runs the `temporal` CLI against this server and returns its output. */
  public String run(int expectedExit, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(cli.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--address", address()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("still running after 120 s: " + String.join(" ", command));
    }
    if (p.exitValue() != expectedExit) {
      throw new AssertionError(
          "exit %d, not %d: %s%n%s"
              .formatted(p.exitValue(), expectedExit, String.join(" ", command), output));
    }
    return output;
  }

  @Override
  public void close() throws InterruptedException {
    synchronized (this) {
      if (service != null) {
        service.shutdown();
      }
    }
    if (server != null && server.isAlive()) {
      stop();
    }
  }

  /**
   * The Temporal CLI that scripts/install-temporal-cli.sh installs (.ci/run passes it in
   * GMU_TEMPORAL_CLI).
   */
  private static Path installedCli() {
    String given = System.getenv("GMU_TEMPORAL_CLI");
    Path cli =
        given != null && !given.isBlank()
            ? Path.of(given)
            : Path.of(
                System.getProperty("user.home"),
                ".cache",
                "gloo-mesh-upgrade",
                "tools",
                "bin",
                "temporal");
    RequiredTool.require(
        Files.isExecutable(cli),
        "no Temporal CLI at "
            + cli
            + ": run scripts/install-temporal-cli.sh (.ci/run does) to run this test");
    return cli;
  }

  public static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
