package org.gloomeshupgrade.controlplane;

import org.gloomeshupgrade.kube.Heartbeats;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code meshctl install --version <target>}, which upgrades an existing installation (there is no
 * {@code meshctl upgrade}). The binary must be the target version: meshctl installs the chart it was built for.
 */
public class MeshctlInstaller implements ControlPlaneInstaller {
  private static final Logger log = LoggerFactory.getLogger(MeshctlInstaller.class);

  /** Failure type when meshctl ran and failed. */
  public static final String INSTALL_FAILED = FailureTypes.MESHCTL_INSTALL_FAILED;
  /** From 1.0 the community install is a subcommand; plain {@code install} only prints help there. */
  private static final Semver COMMUNITY_SUBCOMMAND_FROM = Semver.of(1, 0, 0);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A version token, to find in free text; the comparison itself is Semver's. */
  private static final Pattern VERSION_TOKEN = Pattern.compile("v?\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?");

  private final KubernetesClients clients;
  private final String searchPath;
  private final Duration versionTimeout;
  private final Duration installTimeout;

  public MeshctlInstaller(KubernetesClients clients) {
    // Shorter than the activity's own limit, so a hung install still reports its output.
    this(clients, System.getenv("PATH"), Duration.ofMinutes(1), Duration.ofMinutes(15));
  }

  /** @param searchPath where to look for {@code meshctl} when the request names no binary (PATH syntax) */
  public MeshctlInstaller(KubernetesClients clients, String searchPath, Duration versionTimeout,
      Duration installTimeout) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.searchPath = searchPath == null ? "" : searchPath;
    this.versionTimeout = versionTimeout;
    this.installTimeout = installTimeout;
  }

  @Override
  public ToolingReport resolveTooling(InstallSpec spec) {
    Path binary = locate(spec.meshctlPath());
    String version = checkedVersion(binary, spec);
    log.info("control-plane: cluster={} method=meshctl binary={} version={} matches the target", spec.context(),
        binary, version);
    return new ToolingReport("meshctl", "", version, "meshctl at " + binary);
  }

  @Override
  public InstallOutcome dryRun(InstallSpec spec) {
    log.info("control-plane: cluster={} method=meshctl dry run: meshctl has no server-side dry run, not checked",
        spec.context());
    return new InstallOutcome(0, 0, List.of(), "meshctl has no server-side dry run: the control plane was not checked");
  }

  @Override
  public InstallOutcome upgrade(InstallSpec spec) {
    Path binary = locate(spec.meshctlPath());
    checkedVersion(binary, spec);
    List<String> command = installCommand(binary, spec);
    log.info("control-plane: cluster={} method=meshctl running {}", spec.context(), command);
    Run run = run(command, installTimeout, true);
    if (run.timedOut()) {
      throw ApplicationFailure.newFailure("meshctl install did not finish within " + installTimeout.toMinutes()
          + " minutes on cluster " + spec.context() + "; last output:\n" + run.output(), INSTALL_FAILED);
    }
    if (run.exitCode() != 0) {
      throw ApplicationFailure.newFailure("meshctl install exited with " + run.exitCode() + " on cluster "
          + spec.context() + "; last output:\n" + run.output(), INSTALL_FAILED);
    }
    log.info("control-plane: cluster={} method=meshctl installed {} in namespace {}", spec.context(),
        spec.targetVersion(), spec.namespace());
    return new InstallOutcome(0, 0, List.of(), run.output());
  }

  /** The exact argument list, never a shell string: nothing in the request can become shell syntax. */
  static List<String> installCommand(Path binary, InstallSpec spec) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("install");
    if (Semver.parse(spec.targetVersion()).isGreaterThanOrEqualTo(COMMUNITY_SUBCOMMAND_FROM)) {
      command.add("community");
    }
    // Always name the version: without it some meshctl versions pick the first entry of the chart index.
    command.add("--version");
    command.add(Semver.parse(spec.targetVersion()).getVersion());
    command.add("--kubecontext");
    command.add(spec.context());
    command.add("--namespace");
    command.add(spec.namespace());
    return command;
  }

  /** The binary the request names, else {@code meshctl} on the search path. */
  Path locate(String meshctlPath) {
    if (meshctlPath != null && !meshctlPath.isBlank()) {
      Path named = Path.of(meshctlPath.trim());
      if (!Files.isRegularFile(named) || !Files.isExecutable(named)) {
        throw ApplicationFailure.newNonRetryableFailure("meshctlPath " + meshctlPath + " is not an executable file on"
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
    throw ApplicationFailure.newNonRetryableFailure("meshctl is not on the worker's PATH (" + searchPath + ")."
        + " Install the meshctl of the target version on the worker, or set meshctlPath.", FailureTypes.TOOLING);
  }

  private String checkedVersion(Path binary, InstallSpec spec) {
    Run run = run(List.of(binary.toString(), "version"), versionTimeout, false);
    Semver version = run.timedOut() ? null : parseVersion(run.output());
    if (version == null) {
      throw ApplicationFailure.newNonRetryableFailure("cannot tell the version of meshctl at " + binary
          + (run.timedOut() ? " (\"meshctl version\" did not finish)" : " from \"meshctl version\": " + run.output()),
          FailureTypes.TOOLING);
    }
    Semver target = Semver.parse(spec.targetVersion());
    if (!version.isEqualTo(target)) {
      throw ApplicationFailure.newNonRetryableFailure("meshctl at " + binary + " is version " + version.getVersion()
          + " but the target is " + target.getVersion() + ": install meshctl " + target.getVersion()
          + " on the worker (or point meshctlPath at it).", FailureTypes.TOOLING);
    }
    return version.getVersion();
  }

  /**
   * The client version from {@code meshctl version}: its JSON ({@code {"client":{"version":"0.11.3"},"server":...}}),
   * else the first version on a line that mentions a version.
   */
  static Semver parseVersion(String output) {
    if (output == null) {
      return null;
    }
    int brace = output.indexOf('{');
    if (brace >= 0) {
      try {
        JsonNode json = JSON.readTree(output.substring(brace));
        for (String pointer : List.of("/client/version", "/clientVersion", "/client/Version", "/version")) {
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

  private record Run(int exitCode, boolean timedOut, String output) {}

  private Run run(List<String> command, Duration timeout, boolean logLines) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // meshctl reads the worker's kubeconfig; the path goes through the environment, not through the arguments.
    builder.environment().put("KUBECONFIG", clients.kubeconfig().toAbsolutePath().toString());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure("cannot run " + command.get(0) + ": " + e.getMessage(),
          FailureTypes.TOOLING);
    }
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // Nothing to tell meshctl; a closed stdin keeps it from waiting for input.
    }
    OutputTail tail = new OutputTail();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          if (logLines) {
            log.info("meshctl: {}", line);
          }
          tail.line(line);
        }
      } catch (IOException ignored) {
        // The process ended; what was read is kept.
      }
    }, "meshctl-output");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!process.waitFor(1, TimeUnit.SECONDS)) {
        Heartbeats.beat("running " + command.get(1));
        if (System.nanoTime() - deadline > 0) {
          process.destroyForcibly();
          reader.join(2000);
          return new Run(-1, true, tail.toString());
        }
      }
      reader.join(5000);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while running meshctl " + command.get(1), INSTALL_FAILED);
    }
    return new Run(process.exitValue(), false, tail.toString());
  }
}
