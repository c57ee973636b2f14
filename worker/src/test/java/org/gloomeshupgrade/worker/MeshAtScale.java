package org.gloomeshupgrade.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.gloomeshupgrade.kube.CrdKind;
import org.gloomeshupgrade.kube.CrdKinds;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.MeteredClient;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;

/**
 * A whole upgrade of a large mesh by the real worker on the simulator: many discovery objects, many
 * TrafficPolicies of which some are never accepted. It stops for a person at networking, is skipped
 * on to the final report (RED), and ends; on the way it measures what Temporal keeps and what a
 * discovery count costs. Run at full size with bench/mesh-at-scale.sh; MeshAtScaleTest runs it
 * small.
 */
public final class MeshAtScale {
  /**
   * @param discoveryObjects discovery objects in all (TrafficTargets and Workloads of two remote
   *     clusters, plus a Mesh each)
   */
  record Scale(int discoveryObjects, int trafficPolicies, int neverAccepted) {
    int perCluster() {
      return discoveryObjects / 4;
    }
  }

  /**
   * @param countBytesBefore body bytes of one discovery count poll read as whole lists (the code
   *     before this change), all discovery kinds
   * @param countBytesAfter the same with {@link CrdKinds#count}
   * @param largestResult the largest activity result in the history, bytes
   * @param largestResultActivity its activity type
   * @param statusAtNetworking the status query's answer, bytes, while the run waits at networking
   * @param statusAtEnd the same once the run ended
   */
  record Result(
      int discoveryObjects,
      int trafficPolicies,
      int neverAccepted,
      long seedMillis,
      long countBytesBefore,
      long countBytesAfter,
      int countRequestsBefore,
      int countRequestsAfter,
      long upgradeMillis,
      int events,
      long historyBytes,
      long largestResult,
      String largestResultActivity,
      long statusAtNetworking,
      long statusAtEnd,
      UpgradeStatus waiting,
      UpgradeReport report) {}

  private MeshAtScale() {}

  public static void main(String[] args) throws Exception {
    Scale scale =
        new Scale(
            args.length > 0 ? Integer.parseInt(args[0]) : 50_000,
            args.length > 1 ? Integer.parseInt(args[1]) : 10_000,
            args.length > 2 ? Integer.parseInt(args[2]) : 5_000);
    ClusterBackend backend =
        args.length > 3 ? ClusterBackend.valueOf(args[3]) : ClusterBackend.MOCK;
    Result r = run(scale, backend, System.out);
    System.out.println();
    System.out.println("| measured | value | limit |");
    System.out.println("|---|---|---|");
    System.out.printf(
        "| mesh | %,d discovery objects, %,d TrafficPolicies (%,d never accepted), %s | |%n",
        r.discoveryObjects(), r.trafficPolicies(), r.neverAccepted(), backend);
    System.out.printf("| seeding the simulator | %,d ms | |%n", r.seedMillis());
    System.out.printf(
        "| one discovery count poll, whole lists (before) | %,d bytes in %d requests | |%n",
        r.countBytesBefore(), r.countRequestsBefore());
    System.out.printf(
        "| one discovery count poll, `CrdKinds.count` (now) | %,d bytes in %d requests | |%n",
        r.countBytesAfter(), r.countRequestsAfter());
    System.out.printf(
        "| where it stopped for a person | %s | |%n",
        r.waiting() == null ? "nowhere" : r.waiting().currentStep());
    System.out.printf(
        "| how it ended | %s, final report %s | |%n",
        r.report().outcome(), r.report().verify() == null ? "none" : r.report().verify().overall());
    System.out.printf("| the run, start to end | %,d ms | |%n", r.upgradeMillis());
    System.out.printf("| history events | %,d | 10,000 |%n", r.events());
    System.out.printf("| history size | %,d bytes | 10 MB |%n", r.historyBytes());
    System.out.printf(
        "| largest activity result | %,d bytes (%s) | 256 KB |%n",
        r.largestResult(), r.largestResultActivity());
    System.out.printf(
        "| status query, waiting at networking | %,d bytes | 1 MB |%n", r.statusAtNetworking());
    System.out.printf("| status query, at the end | %,d bytes | 1 MB |%n", r.statusAtEnd());
    System.exit(0);
  }

  static Result run(Scale scale, ClusterBackend backend, PrintStream out) throws Exception {
    long seedStart = System.nanoTime();
    try (SimulatedGlooMesh sim =
        SimulatedGlooMesh.builder()
            .backend(backend)
            .managementCluster("mgmt")
            .remoteClusters("cluster-1", "cluster-2")
            .glooMeshVersion("0.10.10")
            .discoveryResourcesPerCluster(scale.perCluster())
            .trafficPolicies(scale.trafficPolicies(), scale.neverAccepted())
            .deploymentDelay(Duration.ofMillis(100))
            .discoveryDelay(Duration.ofMillis(300))
            .build()) {
      long seedMillis = Duration.ofNanos(System.nanoTime() - seedStart).toMillis();
      out.printf("seeded in %,d ms%n", seedMillis);

      long[] before = new long[2];
      long[] after = new long[2];
      try (MeteredClient metered = new MeteredClient(sim.config("mgmt"))) {
        KubernetesClient c = metered.client();
        List<CrdKind> kinds = CrdKinds.ofGroups(c, "mgmt", List.of(GlooMeshGroups.DISCOVERY));
        metered.reset();
        for (CrdKind kind : kinds) {
          // What each discovery poll did before: the whole collection, in one answer.
          c.genericKubernetesResources(kind.context()).inAnyNamespace().list();
        }
        before[0] = metered.bytes();
        before[1] = metered.requests().size();
        metered.reset();
        CrdKinds.count(c, "mgmt", kinds);
        after[0] = metered.bytes();
        after[1] = metered.requests().size();
      }
      out.printf("a discovery count poll: %,d bytes before, %,d bytes now%n", before[0], after[0]);

      try (UpgradeHarness harness =
          new UpgradeHarness(
              sim,
              sim.kubeconfig(),
              clients -> UpgradeWorker.activities(clients, UpgradeHarness.trusted(sim)))) {
        long start = System.nanoTime();
        GlooMeshUpgradeWorkflow wf =
            harness.start(
                sim.upgradeRequest("0.11.3")
                    .put("requireApproval", false)
                    .put("discoveryPollInterval", "1s")
                    .put("discoverySettleWindow", "5s")
                    .put("discoveryTimeout", "20m")
                    .put("networkingTimeout", "20s")
                    .put("scaleTimeout", "2m"));
        Duration patience = Duration.ofMinutes(30);
        UpgradeStatus waiting = null;
        long statusAtNetworking = 0;
        // The policies stop it at networking and at verify: both are skipped on to the report.
        // Any other stop is a finding, not something to skip.
        while (true) {
          UpgradeStatus now =
              UpgradeHarness.awaitStatus(
                  wf, s -> s.state() == RunState.NEEDS_ATTENTION || s.state().finished(), patience);
          if (now.state().finished()) {
            break;
          }
          out.printf("the run waits at %s: %s%n", now.currentStep(), now.attention());
          if (now.currentStep() != Step.NETWORKING && now.currentStep() != Step.VERIFY) {
            throw new IllegalStateException(
                "the run stopped at %s, not at networking or verify: %s"
                    .formatted(now.currentStep(), now.attention()));
          }
          if (waiting == null) {
            waiting = now;
            statusAtNetworking = statusBytes(harness);
          }
          wf.decideNow(
              new StepDecision(
                  now.currentStep(), Decision.SKIP, "bench", "measuring a large mesh", now.gate()));
          UpgradeStatus answered = now;
          UpgradeHarness.awaitStatus(
              wf,
              s ->
                  s.state() != RunState.NEEDS_ATTENTION
                      || !Objects.equals(s.gate(), answered.gate()),
              patience);
        }
        UpgradeReport report = UpgradeHarness.result(wf);
        long upgradeMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        long statusAtEnd = statusBytes(harness);

        History history = harness.client.fetchHistory(UpgradeHarness.ID).getHistory();
        Map<Long, String> activityTypes = new HashMap<>();
        long largest = 0;
        String largestActivity = "";
        for (HistoryEvent e : history.getEventsList()) {
          if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
            activityTypes.put(
                e.getEventId(),
                e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
          } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
            var completed = e.getActivityTaskCompletedEventAttributes();
            long size = completed.getResult().getSerializedSize();
            if (size > largest) {
              largest = size;
              largestActivity = activityTypes.get(completed.getScheduledEventId());
            }
          }
        }
        return new Result(
            scale.discoveryObjects(),
            scale.trafficPolicies(),
            scale.neverAccepted(),
            seedMillis,
            before[0],
            after[0],
            (int) before[1],
            (int) after[1],
            upgradeMillis,
            history.getEventsCount(),
            history.getSerializedSize(),
            largest,
            largestActivity,
            statusAtNetworking,
            statusAtEnd,
            waiting,
            report);
      }
    }
  }

  /** The status query's answer as the Temporal client receives it, in bytes of JSON. */
  private static long statusBytes(UpgradeHarness harness) {
    WorkflowStub stub = harness.client.newUntypedWorkflowStub(UpgradeHarness.ID);
    JsonNode status = stub.query(UpgradeNames.QUERY_STATUS, JsonNode.class);
    return status.toString().getBytes(StandardCharsets.UTF_8).length;
  }
}
