package org.gloomeshupgrade.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How long a simulation takes to start and stop on each backend, and how much memory the real
 * backend's processes hold once it runs. Run by {@code bench/cluster-start.sh}.
 *
 * <p>Arguments: repetitions (default 3), remote clusters (default 2).
 */
public final class SimulationStartBenchmark {

  private SimulationStartBenchmark() {}

  public static void main(String[] args) {
    int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int remotes = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    List<String> remoteNames = new ArrayList<>();
    for (int i = 1; i <= remotes; i++) {
      remoteNames.add("cluster-" + i);
    }
    List<ClusterBackend> backends = new ArrayList<>(List.of(ClusterBackend.MOCK));
    if (KubeServerBinaries.missing().isEmpty()) {
      backends.add(ClusterBackend.API_SERVER);
    } else {
      System.out.println("API_SERVER skipped: " + KubeServerBinaries.missing().get());
    }
    System.out.printf(
        "%d cluster(s) (mgmt + %d remote), %d run(s) per backend, first run discarded as warm-up%n",
        remotes + 1, remotes, repetitions);
    System.out.printf(
        "%-10s %12s %12s %12s %14s%n",
        "backend", "start ms", "stop ms", "processes", "process RSS MiB");
    for (ClusterBackend backend : backends) {
      List<Long> starts = new ArrayList<>();
      List<Long> stops = new ArrayList<>();
      long processes = 0;
      long rssKib = 0;
      for (int run = 0; run <= repetitions; run++) {
        long started = System.nanoTime();
        SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder().backend(backend).remoteClusters(remoteNames).build();
        long ready = System.nanoTime();
        List<ProcessHandle> children = ProcessHandle.current().descendants().toList();
        long runRss = children.stream().mapToLong(SimulationStartBenchmark::rssKib).sum();
        sim.close();
        long stopped = System.nanoTime();
        if (run == 0) {
          continue;
        }
        starts.add((ready - started) / 1_000_000);
        stops.add((stopped - ready) / 1_000_000);
        processes = children.size();
        rssKib = Math.max(rssKib, runRss);
      }
      System.out.printf(
          "%-10s %12d %12d %12d %14d%n",
          backend, median(starts), median(stops), processes, rssKib / 1024);
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  /** Resident memory of a process from /proc, in KiB; 0 where /proc does not say. */
  private static long rssKib(ProcessHandle process) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
