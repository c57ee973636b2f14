package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;

/**
 * Finds the meshctl binary, refuses one that is not the target version, and runs it with an
 * argument list (never a shell string) against the worker's kubeconfig. Shared by {@code meshctl
 * install} and {@code meshctl check}, so both use the same binary under the same rules.
 */
public class MeshctlRunner {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A version token, to find in free text; the comparison itself is Semver's. */
  private static final Pattern VERSION_TOKEN =
      Pattern.compile("v?\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?");

  /** What a run left behind: its exit code (-1 when it timed out) and the tail of its output. */
  public record Run(int exitCode, boolean timedOut, String output) {}

  private final KubernetesClients clients;
  private final String searchPath;
  private final Duration versionTimeout;

  /**
   * @param searchPath where to look for {@code meshctl} when the request names no binary (PATH
   *     syntax)
   */
  public MeshctlRunner(KubernetesClients clients, String searchPath, Duration versionTimeout) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.searchPath = searchPath == null ? "" : searchPath;
    this.versionTimeout = versionTimeout;
  }

  /** meshctl on the worker's PATH. */
  public static MeshctlRunner onPath(KubernetesClients clients) {
    return new MeshctlRunner(clients, System.getenv("PATH"), Duration.ofMinutes(1));
  }

  /** The binary the request names, else {@code meshctl} on the search path. */
  public Path locate(String meshctlPath) {
    if (meshctlPath != null && !meshctlPath.isBlank()) {
      Path named = Path.of(meshctlPath.trim());
      if (!Files.isRegularFile(named) || !Files.isExecutable(named)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "meshctlPath "
                + meshctlPath
                + " is not an executable file on"
                + " the worker. Install meshctl there, or leave meshctlPath empty to use the one on the worker's PATH.",
            FailureTypes.TOOLING);
      }
      return named.toAbsolutePath();
    }
    for (String dir : searchPath.split(Pattern.quote(File.pathSeparator))) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, "meshctl");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "meshctl is not on the worker's PATH ("
            + searchPath
            + ")."
            + " Install the meshctl of the target version on the worker, or set meshctlPath.",
        FailureTypes.TOOLING);
  }

  /**
   * The version of the binary, which must equal the target: meshctl installs the chart it was built
   * for, and checks what its own version knows about.
   */
  public String checkedVersion(Path binary, String targetVersion) {
    Run run = run(List.of(binary.toString(), "version"), versionTimeout, line -> {});
    Semver version = run.timedOut() ? null : parseVersion(run.output());
    if (version == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cannot tell the version of meshctl at "
              + binary
              + (run.timedOut()
                  ? " (\"meshctl version\" did not finish)"
                  : " from \"meshctl version\": " + run.output()),
          FailureTypes.TOOLING);
    }
    Semver target = Semver.parse(targetVersion);
    if (!version.isEqualTo(target)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "meshctl at "
              + binary
              + " is version "
              + version.getVersion()
              + " but the target is "
              + target.getVersion()
              + ": install meshctl "
              + target.getVersion()
              + " on the worker (or point meshctlPath at it).",
          FailureTypes.TOOLING);
    }
    return version.getVersion();
  }

  /**
   * The client version from {@code meshctl version}. From 0.10 to 1.0 meshctl prints indented JSON,
   * {@code {"client": {"version": "0.11.3"}, "server": [...]}}, the server part listing the images
   * it found (their versions are not the client's); it writes connection errors to stderr, which
   * arrive here before the JSON. Anything else: the first version on a line that mentions a
   * version.
   */
  static Semver parseVersion(String output) {
    if (output == null) {
      return null;
    }
    int brace = output.indexOf('{');
    if (brace >= 0) {
      try {
        JsonNode json = JSON.readTree(output.substring(brace));
        for (String pointer :
            List.of("/client/version", "/clientVersion", "/client/Version", "/version")) {
          JsonNode node = json.at(pointer);
          if (node.isTextual() && Semver.parse(node.asText()) != null) {
            return Semver.parse(node.asText());
          }
        }
      } catch (IOException notJson) {
        // Fall through to the text form.
      }
    }
    Semver anywhere = null;
    for (String line : output.lines().toList()) {
      Matcher m = VERSION_TOKEN.matcher(line);
      if (m.find()) {
        Semver version = Semver.parse(m.group());
        if (version != null && line.toLowerCase(Locale.ROOT).contains("version")) {
          return version;
        }
        if (anywhere == null) {
          anywhere = version;
        }
      }
    }
    return anywhere;
  }

  /**
   * Runs meshctl, handing every output line (stdout and stderr together) to {@code eachLine} as it
   * arrives, so a caller can read all of it even when the kept tail is cut. A run the worker
   * interrupts fails as an interrupted wait does elsewhere (retryable).
   */
  public Run run(List<String> command, Duration timeout, Consumer<String> eachLine) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // meshctl reads the worker's kubeconfig; the path goes
    // through the environment, not through the arguments.
    builder.environment().put("KUBECONFIG", clients.kubeconfigSearchPath());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cannot run " + command.get(0) + ": " + e.getMessage(), FailureTypes.TOOLING);
    }
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // Nothing to tell meshctl; a closed stdin keeps it from waiting for input.
    }
    OutputTail tail = new OutputTail();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                  eachLine.accept(line);
                  tail.line(line);
                }
              } catch (IOException ignored) {
                // The process ended; what was read is kept.
              }
            },
            "meshctl-output");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!process.waitFor(1, TimeUnit.SECONDS)) {
        // Throws when the activity was cancelled or timed out: the finally stops meshctl.
        Heartbeats.beat("running meshctl " + command.get(1));
        if (System.nanoTime() - deadline > 0) {
          stop(process);
          reader.join(2000);
          return new Run(-1, true, tail.toString());
        }
      }
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "interrupted while running meshctl " + command.get(1), FailureTypes.WAIT_TIMED_OUT);
    } finally {
      // However the wait ended, no meshctl of this activity keeps writing beside a retry.
      stop(process);
    }
    return new Run(process.exitValue(), false, tail.toString());
  }

  /** Kills the process and whatever it started, when still running. */
  private static void stop(Process process) {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
