package org.gloomeshupgrade.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged worker jar as its own process, logging to a file. */
public final class WorkerProcess implements AutoCloseable {
  /**
   * The system property naming the worker jar for tests outside the worker module (the starter's
   * build sets it); the worker's own tests find it in their {@code target} folder.
   */
  public static final String JAR_PROPERTY = "gmu.worker.jar";

  public static final Path JAR =
      Path.of(System.getProperty(JAR_PROPERTY, "target/gloo-mesh-upgrade-worker-all.jar"));

  private final Process process;

  private WorkerProcess(Process process) {
    this.process = process;
  }

  /**
   * The worker jar over the simulated clusters, trusting only the simulator's chart and CRD folder
   * through a trusted-sources file, as an operator of an air-gapped site would.
   */
  public static WorkerProcess start(String temporalAddress, SimulatedGlooMesh sim, Path log)
      throws IOException {
    return start(Map.of(), sim, log, "--temporal-address", temporalAddress);
  }

  /**
   * As above, told how to reach Temporal only by these environment variables and flags (the
   * process's own {@code TEMPORAL_*} variables are removed).
   */
  public static WorkerProcess start(
      Map<String, String> env, SimulatedGlooMesh sim, Path log, String... temporalFlags)
      throws IOException {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "--kubeconfig",
                sim.kubeconfig().toString(),
                "--context",
                "mgmt",
                "--trusted-sources",
                trustedSources(sim, log).toString()));
    arguments.addAll(List.of(temporalFlags));
    return run(env, arguments, log);
  }

  /**
   * The worker jar with exactly these arguments and, on top of this process's environment without
   * its {@code TEMPORAL_*} variables, these.
   */
  public static WorkerProcess run(Map<String, String> env, List<String> arguments, Path log)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", JAR.toString()));
    command.addAll(arguments);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(name -> name.startsWith("TEMPORAL_"));
    builder.environment().putAll(env);
    return new WorkerProcess(builder.start());
  }

  /**
   * A trusted-sources file beside {@code beside} that trusts only the simulator's chart and CRD
   * folder.
   */
  public static Path trustedSources(SimulatedGlooMesh sim, Path beside) throws IOException {
    String folder = "[\"%s\"]".formatted(sim.sourcesFolder());
    return Files.writeString(
        beside.resolveSibling("trusted-sources.yaml"),
        "charts: %s%ncrdSources: %s%nagentCharts: %s%n".formatted(folder, folder, folder));
  }

  public Process process() {
    return process;
  }

  /** SIGKILL: no shutdown hook, no goodbye, as when a node dies. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM, as Kubernetes sends a pod it evicts or replaces; waits for the process to end.
   *
   * @return how long the process took to exit, or null when it had not after a minute
   */
  public Duration terminate() throws InterruptedException {
    long sent = System.nanoTime();
    process.destroy();
    return process.waitFor(60, TimeUnit.SECONDS)
        ? Duration.ofNanos(System.nanoTime() - sent)
        : null;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(45, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
