package org.gloomeshupgrade.worker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.testkit.DevServer;
import org.gloomeshupgrade.testkit.RequiredTool;

/**
 * A script of ui-tests/ under Node: playwright-core driving Debian's Chromium (GMU_CHROMIUM
 * overrides /usr/bin/chromium), both installed by scripts/install-ui-test-tools.sh.
 */
final class UiScript {
  /** Failsafe runs in the worker module; ui-tests/ is at the repository's root. */
  static final Path FOLDER = Path.of("..", "ui-tests").toAbsolutePath().normalize();

  private static final String INSTALL =
      "run scripts/install-ui-test-tools.sh (.ci/run does) to run this test";

  private final Path node;
  private final Path chromium;
  private final Path script;

  private UiScript(Path node, Path chromium, Path script) {
    this.node = node;
    this.chromium = chromium;
    this.script = script;
  }

  static UiScript installed(String name) {
    String given = System.getenv("GMU_CHROMIUM");
    Path chromium = Path.of(given != null && !given.isBlank() ? given : "/usr/bin/chromium");
    RequiredTool.require(
        Files.isExecutable(chromium), "no Chromium at " + chromium + ": " + INSTALL);
    Path node = onPath("node");
    RequiredTool.require(node != null, "no node on the PATH: " + INSTALL);
    RequiredTool.require(
        Files.isDirectory(FOLDER.resolve("node_modules").resolve("playwright-core")),
        "no playwright-core in " + FOLDER.resolve("node_modules") + ": " + INSTALL);
    Path script = FOLDER.resolve(name);
    if (!Files.isRegularFile(script)) {
      throw new IllegalArgumentException("no script " + script);
    }
    return new UiScript(node, chromium, script);
  }

  /** Runs the script with these variables added to its environment; returns its exit code. */
  int run(Map<String, String> env, Path log, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(node.toString(), script.toString())
            .directory(FOLDER.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("GMU_CHROMIUM", chromium.toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      stop(process);
      throw new AssertionError(
          script.getFileName() + " still running after " + timeout + "\n" + DevServer.tail(log));
    }
    return process.exitValue();
  }

  /** Chromium and its helpers are the script's children: none of them may outlive the test. */
  private static void stop(Process process) throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
    children.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static Path onPath(String program) {
    for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, program))) {
        return Path.of(folder, program);
      }
    }
    return null;
  }
}
