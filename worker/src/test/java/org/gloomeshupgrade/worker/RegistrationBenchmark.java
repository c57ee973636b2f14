package org.gloomeshupgrade.worker;

import io.temporal.common.WorkflowExecutionHistory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepStatus;
import org.gloomeshupgrade.workflow.UpgradeReport;

/**
 * How the workflow's history grows with the number of clusters, and what concurrency buys in step
 * 7: whole upgrades by the real worker on simulated clusters (fabric8 mock servers). Run with
 * bench/registration.sh; prints one run's numbers.
 */
public final class RegistrationBenchmark {
  /**
   * Temporal warns about a workflow's history from this many events on (its default history count
   * warning).
   */
  private static final int TEMPORAL_EVENT_WARNING = 10_240;

  private RegistrationBenchmark() {}

  record Run(
      int clusters,
      int concurrency,
      int events,
      long protoBytes,
      long jsonBytes,
      long step7Millis,
      long totalMillis) {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes =
        args.length > 0
            ? Arrays.stream(args[0].split(",")).map(String::trim).map(Integer::parseInt).toList()
            : List.of(10, 50, 200);
    int wallClusters = args.length > 1 ? Integer.parseInt(args[1]) : 20;

    List<Run> history = new ArrayList<>();
    for (int n : sizes) {
      history.add(run(n, 5));
    }
    List<Run> wall = List.of(run(wallClusters, 1), run(wallClusters, 5));

    System.out.println();
    System.out.println(
        "| clusters | history events | events per cluster (over the smallest run) | of Temporal's "
            + "10,240-event warning | history bytes (protobuf) | history JSON bytes |");
    System.out.println("|---|---|---|---|---|---|");
    Run first = history.get(0);
    for (Run r : history) {
      String perCluster =
          r == first
              ? "-"
              : String.format(
                  Locale.ROOT,
                  "%.2f",
                  (r.events() - first.events()) / (double) (r.clusters() - first.clusters()));
      System.out.printf(
          Locale.ROOT,
          "| %d | %,d | %s | %.1f %% | %,d | %,d |%n",
          r.clusters(),
          r.events(),
          perCluster,
          100.0 * r.events() / TEMPORAL_EVENT_WARNING,
          r.protoBytes(),
          r.jsonBytes());
    }
    System.out.println();
    System.out.println("| clusters | registrationConcurrency | step 7 | whole upgrade |");
    System.out.println("|---|---|---|---|");
    for (Run r : wall) {
      System.out.printf(
          Locale.ROOT,
          "| %d | %d | %,d ms | %,d ms |%n",
          r.clusters(),
          r.concurrency(),
          r.step7Millis(),
          r.totalMillis());
    }
    System.out.printf(
        Locale.ROOT,
        "%nconcurrency 5 ran step 7 %.1f times as fast as 1 with %d clusters%n",
        wall.get(0).step7Millis() / (double) wall.get(1).step7Millis(),
        wallClusters);
  }

  private static Run run(int clusters, int concurrency) throws Exception {
    String[] remotes =
        IntStream.rangeClosed(1, clusters).mapToObj(i -> "cluster-" + i).toArray(String[]::new);
    System.err.printf(
        Locale.ROOT,
        "benchmark: %d clusters, registrationConcurrency %d...%n",
        clusters,
        concurrency);
    try (SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder()
                .managementCluster("mgmt")
                .remoteClusters(remotes)
                .glooMeshVersion("0.10.10")
                .discoveryResourcesPerCluster(1)
                .deploymentDelay(Duration.ofMillis(50))
                .discoveryDelay(Duration.ofMillis(100))
                .build();
        UpgradeHarness harness = new UpgradeHarness(sim)) {
      long start = System.nanoTime();
      GlooMeshUpgradeWorkflow wf =
          harness.start(
              harness
                  .request("0.11.3")
                  .put("requireApproval", false)
                  .put("registrationConcurrency", concurrency)
                  .put("discoveryTimeout", "10m"));
      UpgradeReport report = UpgradeHarness.result(wf);
      long total = (System.nanoTime() - start) / 1_000_000;
      if (report.outcome() != RunState.SUCCEEDED) {
        throw new IllegalStateException("the benchmark run did not succeed: " + report.summary());
      }
      WorkflowExecutionHistory history = harness.client.fetchHistory(UpgradeHarness.ID);
      long step7 =
          report.steps().stream()
              .filter(s -> s.step() == Step.REREGISTER)
              .findFirst()
              .map(StepStatus::elapsedMillis)
              .orElseThrow();
      return new Run(
          clusters,
          concurrency,
          history.getEvents().size(),
          history.getHistory().getSerializedSize(),
          history.toJson(false).getBytes(StandardCharsets.UTF_8).length,
          step7,
          total);
    }
  }
}
