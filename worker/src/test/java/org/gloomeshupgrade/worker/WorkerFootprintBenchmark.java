package org.gloomeshupgrade.worker;

import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.metrics.WorkerEndpoints;
import org.gloomeshupgrade.testkit.DevServer;
import org.gloomeshupgrade.testkit.FreePort;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.UpgradeRuns;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * What the worker jar costs and how fast it is ready, with its metrics port and without: the time
 * to {@code /livez} and {@code /readyz}, its resident memory idle and with a run waiting at the
 * approval gate, and the size and time of a scrape. Run by {@code bench/worker-footprint.sh}.
 */
public final class WorkerFootprintBenchmark {
  private WorkerFootprintBenchmark() {}

  public static void main(String[] args) throws Exception {
    int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path dir = Files.createTempDirectory("gmu-footprint-");
    try (DevServer temporal = new DevServer(dir).start()) {
      System.out.println(
          "run | metrics | livez s | readyz s | RSS idle MB | RSS at gate MB | scrape bytes | scrape ms");
      for (int i = 1; i <= repetitions; i++) {
        System.out.println(measure(i, temporal, dir, false));
        System.out.println(measure(i, temporal, dir, true));
      }
    }
  }

  private static String measure(int run, DevServer temporal, Path dir, boolean metrics)
      throws Exception {
    Path log = Files.createTempFile(dir, "worker", ".log");
    int port = FreePort.pick();
    Scrapes http = new Scrapes(port);
    List<String> flags = new ArrayList<>(List.of("--temporal-address", temporal.address()));
    if (metrics) {
      flags.addAll(List.of("--metrics-port", String.valueOf(port)));
    }
    try (SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder()
                .deploymentDelay(Duration.ofMillis(100))
                .discoveryDelay(Duration.ofMillis(300))
                .build();
        WorkerProcess worker =
            WorkerProcess.start(Map.of(), sim, log, flags.toArray(String[]::new))) {
      long started = System.nanoTime();
      double live = Double.NaN;
      double ready;
      if (metrics) {
        while (http.status(WorkerEndpoints.LIVE) != 200) {
          Thread.sleep(20);
        }
        live = seconds(started);
        while (http.status(WorkerEndpoints.READY) != 200) {
          Thread.sleep(20);
        }
      } else {
        while (!Files.readString(log).contains("worker: polling task queue")) {
          Thread.sleep(20);
        }
      }
      ready = seconds(started);
      Thread.sleep(10_000);
      long idle = residentKb(worker.process().pid());

      WorkflowClient client = temporal.client();
      String id = UpgradeNames.workflowId("mgmt") + "-footprint-" + run + (metrics ? "-m" : "");
      GlooMeshUpgradeWorkflow wf = UpgradeRuns.start(client, id, sim.quickUpgradeRequest("0.11.3"));
      while (wf.status().state() != RunState.WAITING_FOR_APPROVAL) {
        Thread.sleep(200);
      }
      Thread.sleep(12_000);
      long atGate = residentKb(worker.process().pid());
      String scrape = "-";
      String scrapeMillis = "-";
      if (metrics) {
        String body = "";
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
          long t = System.nanoTime();
          body = http.get(WorkerEndpoints.METRICS).body();
          times.add((System.nanoTime() - t) / 1_000);
        }
        int bytes = body.length();
        System.err.printf("largest metric families at the gate (samples): %s%n", largest(body));
        times.sort(Long::compare);
        scrape = String.valueOf(bytes);
        scrapeMillis = "%.1f".formatted(times.get(times.size() / 2) / 1000.0);
      }
      client.newUntypedWorkflowStub(id).terminate("benchmark done");
      return "%d | %s | %s | %.1f | %d | %d | %s | %s"
          .formatted(
              run,
              metrics ? "on" : "off",
              metrics ? "%.1f".formatted(live) : "-",
              ready,
              idle / 1024,
              atGate / 1024,
              scrape,
              scrapeMillis);
    }
  }

  /** The five metric families with the most samples in a scrape. */
  private static String largest(String scrape) {
    Map<String, Long> samples =
        Scrapes.Metrics.parse(scrape).samples().stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    s -> s.name().replaceAll("_(bucket|count|sum|max)$", ""),
                    java.util.stream.Collectors.counting()));
    return samples.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(5)
        .map(e -> e.getKey() + " " + e.getValue())
        .toList()
        .toString();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** VmRSS of the process, from Linux's /proc. */
  private static long residentKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for " + pid);
  }
}
