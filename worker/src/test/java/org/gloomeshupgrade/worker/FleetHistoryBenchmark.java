package org.gloomeshupgrade.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gloomeshupgrade.fleet.FleetReport;
import org.gloomeshupgrade.fleet.FleetState;
import org.gloomeshupgrade.fleet.GlooMeshFleetWorkflow;
import org.gloomeshupgrade.fleet.PlaneState;
import org.gloomeshupgrade.fleet.WaveApproval;

/**
 * How a fleet's own history grows with its planes: whole fleets by the real worker on simulated
 * planes (fabric8 mock servers), a first wave of one plane and a second of the rest, four at once,
 * approved per wave, with a soak of {@link #SOAK} (six checks of each plane). Run with
 * bench/fleet-history.sh; prints one line per fleet size.
 */
public final class FleetHistoryBenchmark {
  private static final String SOAK = "3s";
  private static final int TEMPORAL_EVENT_WARNING = 10_240;

  private FleetHistoryBenchmark() {}

  record Run(int planes, int events, long bytes, int statusBytes, long millis) {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes =
        args.length > 0
            ? Arrays.stream(args[0].split(",")).map(String::trim).map(Integer::parseInt).toList()
            : List.of(3, 6, 12);
    List<Run> runs = new ArrayList<>();
    for (int n : sizes) {
      runs.add(run(n));
    }
    System.out.println();
    System.out.println(
        "| planes | fleet history events | events per plane | of Temporal's 10,240-event warning | history JSON bytes | status query JSON bytes | wall time |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Run r : runs) {
      System.out.printf(
          Locale.ROOT,
          "| %d | %,d | %.1f | %.1f %% | %,d | %,d | %.1f s |%n",
          r.planes(),
          r.events(),
          r.events() / (double) r.planes(),
          100.0 * r.events() / TEMPORAL_EVENT_WARNING,
          r.bytes(),
          r.statusBytes(),
          r.millis() / 1000.0);
    }
    System.exit(0);
  }

  private static Run run(int planes) throws Exception {
    String[] contexts = new String[planes];
    for (int i = 0; i < planes; i++) {
      contexts[i] = "plane-" + i;
    }
    try (SimulatedFleet fleet = new SimulatedFleet()) {
      fleet.start(contexts);
      Map<String, List<String>> waves = new LinkedHashMap<>();
      waves.put("first", List.of(contexts[0]));
      waves.put("rest", Arrays.asList(contexts).subList(1, planes));
      ObjectNode request = fleet.request("0.11.3", waves);
      request.put("soak", SOAK).put("approval", "per-wave");
      ((ObjectNode) request.get("waves").get(1)).put("concurrency", Math.min(4, planes - 1));
      long started = System.nanoTime();
      GlooMeshFleetWorkflow wf = fleet.start(request);
      for (String wave : waves.keySet()) {
        SimulatedFleet.awaitFleet(
            wf,
            s ->
                s.waves().stream()
                    .filter(w -> w.name().equals(wave))
                    .flatMap(w -> w.planes().stream())
                    .anyMatch(p -> p.state() == PlaneState.WAITING_FOR_APPROVAL));
        wf.approveWave(new WaveApproval(wave, "bench", "fleet history benchmark"));
      }
      FleetReport report = SimulatedFleet.result(wf);
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (report.outcome() != FleetState.SUCCEEDED) {
        throw new IllegalStateException("the fleet did not succeed: " + report.summary());
      }
      WorkflowExecutionHistory history = fleet.client().fetchHistory(SimulatedFleet.FLEET_ID);
      int statusBytes =
          SimulatedFleet.JSON
              .writeValueAsString(wf.status())
              .getBytes(StandardCharsets.UTF_8)
              .length;
      return new Run(
          planes,
          history.getEvents().size(),
          history.toJson(false).getBytes(StandardCharsets.UTF_8).length,
          statusBytes,
          millis);
    }
  }
}
