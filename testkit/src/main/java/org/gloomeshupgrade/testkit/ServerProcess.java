package org.gloomeshupgrade.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server the test kit runs as a child process, its output in a log file; stopped with the JVM at
 * the latest.
 */
final class ServerProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServerProcess.class);

  private final String name;
  private final Path log;
  private final Process process;
  private final Thread killOnExit;

  private ServerProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
    // A test JVM that dies without closing the simulation must not leave servers holding ports.
    this.killOnExit = new Thread(process::destroyForcibly, "gmu-stop-" + name);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  static ServerProcess start(String name, List<String> command, Path log) {
    try {
      Files.createDirectories(log.getParent());
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      LOG.debug("started {}: {}", name, String.join(" ", command));
      return new ServerProcess(name, log, process);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + " (" + command.get(0) + ")", e);
    }
  }

  /**
   * Waits until {@code ready} answers true; fails with the end of the server's log if it exits or
   * takes too long.
   */
  ServerProcess awaitReady(Duration timeout, BooleanSupplier ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + " while starting:\n" + tail());
      }
      try {
        if (ready.getAsBoolean()) {
          return this;
        }
      } catch (RuntimeException e) {
        LOG.trace("{} not ready yet", name, e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name + " was not ready within " + timeout.toSeconds() + "s:\n" + tail());
      }
      sleep(Duration.ofMillis(200));
    }
  }

  String name() {
    return name;
  }

  /** Fails with the end of the server's log when it has exited. */
  void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "%s exited with %d:%n%s".formatted(name, process.exitValue(), tail()));
    }
  }

  /** The last lines of the server's log, for failure messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        LOG.warn("{} did not stop within 15s of SIGTERM; killing it", name);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs anyway
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a server", e);
    }
  }
}
