package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.api.enums.v1.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.gloomeshupgrade.testkit.ArmedFault;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.FaultInjector;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.RecordedCall;
import org.gloomeshupgrade.testkit.ReplicaChange;
import org.gloomeshupgrade.testkit.RequestJournal;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each kind of transient API fault on each class of write the run makes, through the fault proxy in
 * front of each simulated cluster: every run ends green (or rolled back, for the restore), with the
 * same end state as a run without faults, nothing lost and networking at 0 until the approval. One
 * run per fault kind and scenario arms that fault once on every write class of the scenario at the
 * same time; the matrix, with how often each fault answered and the seconds until the same request
 * came again, is printed at the end.
 *
 * <p>{@code mvn verify} runs the cases marked for CI; {@code -Dgmu.faults=all} runs every one (see
 * docs/testing.md), or name scenarios and kinds, e.g. {@code -Dgmu.faults=HELM:RESET}.
 */
class FaultMatrixIT {

  private static final String SELECTED = System.getProperty("gmu.faults", "ci");
  private static final String NS = "gloo-mesh";
  private static final Duration TO_THE_APPROVAL = Duration.ofMinutes(4);

  /** Filled by every case that ran, printed once at the end. */
  private static final Map<WriteClass, Map<Fault, String>> MATRIX = new EnumMap<>(WriteClass.class);

  /** Per scenario and fault: the activity retries of the run, and its seconds from arming. */
  private static final Map<Scenario, Map<Fault, String>> RUNS = new EnumMap<>(Scenario.class);

  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  /** The transient faults an API server or the network between gives a client. */
  enum Fault {
    ERROR_500("500"),
    UNAVAILABLE_503("503"),
    THROTTLED_429("429 + Retry-After"),
    CONFLICT_409("409"),
    RESET("reset"),
    TIMEOUT("timeout");

    final String label;

    Fault(String label) {
      this.label = label;
    }

    ArmedFault arm(FaultInjector faults, String method, String pathRegex) {
      return switch (this) {
        case ERROR_500 -> faults.failNext(method, pathRegex, 500, 1);
        case UNAVAILABLE_503 -> faults.failNext(method, pathRegex, 503, 1);
        case THROTTLED_429 -> faults.throttleNext(method, pathRegex, 1, 1);
        case CONFLICT_409 -> faults.failNext(method, pathRegex, 409, 1);
        case RESET -> faults.resetNext(method, pathRegex, 1);
        case TIMEOUT -> faults.timeOutNext(method, pathRegex, 1);
      };
    }

    /** Whether the faulted request reached the API server (and so is in its journal). */
    boolean reachesTheServer() {
      return this == RESET || this == TIMEOUT;
    }
  }

  /** Where a class of write happens: an upgrade or a rollback on the mock, Helm on real servers. */
  enum Scenario {
    UPGRADE,
    RESTORE,
    HELM
  }

  /**
   * One class of write the run makes, by cluster, verb and path. A query without dryRun=All only:
   * the dry runs of preflight and conformance are reads in effect. The registration writes are
   * spread over three remotes, each registered by its own activity, so that no activity meets more
   * than three faults in a row and waits minutes in backoff.
   */
  enum WriteClass {
    BACKUP_CHUNK(Scenario.UPGRADE, "mgmt", "POST", "/namespaces/gloo-mesh/secrets"),
    SCALE(Scenario.UPGRADE, "mgmt", "PUT", "/deployments/networking/scale"),
    DISCOVERY_DELETE(
        Scenario.UPGRADE,
        "mgmt",
        "DELETE",
        "/apis/discovery\\.mesh\\.gloo\\.solo\\.io/[^/]+/namespaces/gloo-mesh/meshes"),
    CRD_APPLY(
        Scenario.UPGRADE,
        "mgmt",
        "PUT",
        "/customresourcedefinitions/trafficpolicies\\.networking\\.mesh\\.gloo\\.solo\\.io"),
    RENDERED_APPLY(Scenario.UPGRADE, "mgmt", "PUT", "/namespaces/gloo-mesh/deployments/discovery"),
    REGISTRATION_KUBECONFIG(
        Scenario.UPGRADE, "mgmt", "PUT", "/namespaces/gloo-mesh/secrets/cluster-1"),
    REGISTRATION_SERVICE_ACCOUNT(
        Scenario.UPGRADE, "cluster-1", "POST", "/namespaces/gloo-mesh/serviceaccounts"),
    REGISTRATION_SECRET(Scenario.UPGRADE, "cluster-1", "POST", "/namespaces/gloo-mesh/secrets"),
    REGISTRATION_CRD(Scenario.UPGRADE, "cluster-2", "POST", "/customresourcedefinitions"),
    REGISTRATION_DEPLOYMENT(
        Scenario.UPGRADE, "cluster-2", "POST", "/namespaces/gloo-mesh/deployments"),
    REGISTRATION_CLUSTER_ROLE(Scenario.UPGRADE, "cluster-3", "POST", "/clusterroles"),
    REGISTRATION_CLUSTER_ROLE_BINDING(
        Scenario.UPGRADE, "cluster-3", "POST", "/clusterrolebindings"),
    RESTORE(Scenario.RESTORE, "mgmt", "POST", "/namespaces/gloo-mesh/trafficpolicies"),
    HELM_UPGRADE(Scenario.HELM, "mgmt", "PATCH", "/namespaces/gloo-mesh/deployments/discovery");

    final Scenario scenario;
    final String cluster;
    final String method;
    final String pathRegex;

    WriteClass(Scenario scenario, String cluster, String method, String path) {
      this.scenario = scenario;
      this.cluster = cluster;
      this.method = method;
      this.pathRegex = "^(?!.*dryRun=)[^?]*" + path + "(\\?.*)?$";
    }

    static List<WriteClass> of(Scenario scenario) {
      return Stream.of(values()).filter(w -> w.scenario == scenario).toList();
    }
  }

  /**
   * The CI subset: every kind but the timeout on an upgrade's writes (a timeout costs 10 s a write,
   * so its upgrade run takes about two minutes), the timeout on a restore, the reset on Helm.
   */
  private static boolean selected(Scenario scenario, Fault fault) {
    if (SELECTED.equals("all")) {
      return true;
    }
    if (SELECTED.equals("ci")) {
      return switch (scenario) {
        case UPGRADE -> fault != Fault.TIMEOUT;
        case RESTORE -> fault == Fault.TIMEOUT;
        case HELM -> fault == Fault.RESET;
      };
    }
    Set<String> names =
        Stream.of(SELECTED.split(","))
            .map(s -> s.trim().toUpperCase(Locale.ROOT))
            .collect(Collectors.toSet());
    return names.contains(scenario + ":" + fault) || names.contains(scenario.name());
  }

  @ParameterizedTest(name = "{0} once on every write of an upgrade")
  @EnumSource(Fault.class)
  void anUpgradeRidesOutTheFaultOnEachOfItsWrites(Fault fault) {
    assumeThat(selected(Scenario.UPGRADE, fault))
        .as("selected by -Dgmu.faults=" + SELECTED)
        .isTrue();
    SimulatedGlooMesh sim = simulation.simulate(threeRemotes().faultProxy());
    UpgradeHarness harness = simulation.startHarness();
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(sim.client("mgmt"));
    Map<WriteClass, ArmedFault> armed = arm(sim, Scenario.UPGRADE, fault);
    Instant armedAt = Instant.now();

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    // A timeout costs fabric8's 10 s request timeout per write, and re-registration's backoff.
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL, TO_THE_APPROVAL);
    long approvalAt = PodCreations.nextSequence(sim.journal("mgmt"));
    wf.approve(new Approval("alice", "CHG-42", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
    assertEveryFaultAnswered(armed);
    assertNetworkingHeldUntil(sim.journal("mgmt"), approvalAt);
    ConfigurationSnapshot.assertUnchanged(
        before, ConfigurationSnapshot.capture(sim.client("mgmt")));
    assertThat(EndState.of(sim)).as("the end state of a run without faults").isEqualTo(cleanEnd());
    record(sim, harness, armed, fault, armedAt);
  }

  @ParameterizedTest(name = "{0} once on a rollback's restore")
  @EnumSource(Fault.class)
  void aRollbackRidesOutTheFaultOnItsRestore(Fault fault) {
    assumeThat(selected(Scenario.RESTORE, fault))
        .as("selected by -Dgmu.faults=" + SELECTED)
        .isTrue();
    SimulatedGlooMesh sim = simulation.simulate(SimulatedUpgrade.mgmtAndCluster1().faultProxy());
    UpgradeHarness harness = simulation.startHarness();
    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(mgmt);
    // A refusal that does not go away stops the run for a person, who rolls back.
    sim.faults("mgmt")
        .failNext("DELETE", ".*/apis/discovery\\.mesh\\.gloo\\.solo\\.io/.*", 403, 1_000);
    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    sim.faults("mgmt").clear();
    // Meanwhile a policy is lost, which the restore puts back.
    mgmt.genericKubernetesResources("networking.mesh.gloo.solo.io/v1alpha2", "TrafficPolicy")
        .inNamespace(NS)
        .withName("mgmt-retries")
        .delete();
    Map<WriteClass, ArmedFault> armed = arm(sim, Scenario.RESTORE, fault);
    Instant armedAt = Instant.now();

    wf.decideNow(
        new StepDecision(
            Step.DELETE_DISCOVERY, Decision.ROLLBACK, "ops", "not today", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.ROLLED_BACK);
    assertEveryFaultAnswered(armed);
    ConfigurationSnapshot.assertUnchanged(before, ConfigurationSnapshot.capture(mgmt));
    record(sim, harness, armed, fault, armedAt);
  }

  @ParameterizedTest(name = "{0} once on the Helm upgrade's writes, on real API servers")
  @EnumSource(Fault.class)
  void aHelmUpgradeRidesOutTheFault(Fault fault) {
    assumeThat(selected(Scenario.HELM, fault)).as("selected by -Dgmu.faults=" + SELECTED).isTrue();
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    SimulatedGlooMesh sim =
        simulation.simulate(
            SimulatedGlooMesh.builder()
                .backend(ClusterBackend.API_SERVER)
                .installedWithHelm()
                .faultProxy()
                .managementCluster("mgmt")
                .remoteClusters("cluster-1")
                .glooMeshVersion("0.10.10")
                .discoveryDelay(Duration.ofMillis(300)));
    UpgradeHarness harness = simulation.startHarness();
    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(mgmt);
    Map<WriteClass, ArmedFault> armed = arm(sim, Scenario.HELM, fault);
    Instant armedAt = Instant.now();

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    RequestJournal journal = sim.journal("mgmt");
    long approvalAt = PodCreations.nextSequence(journal);
    wf.approve(new Approval("alice", "CHG-42", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
    assertEveryFaultAnswered(armed);
    assertThat(HelmRevisions.of(mgmt)).containsEntry(1, "superseded").containsValue("deployed");
    for (String name : List.of("discovery", "networking")) {
      var deployment = mgmt.apps().deployments().inNamespace(NS).withName(name).get();
      assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .as(name)
          .endsWith(":0.11.3");
      assertThat(deployment.getSpec().getReplicas()).as(name).isEqualTo(1);
    }
    PodCreations.assertNoneFromTheScaleDownUntilTheApproval(journal, "networking", approvalAt);
    ConfigurationSnapshot.assertUnchanged(before, ConfigurationSnapshot.capture(mgmt));
    record(sim, harness, armed, fault, armedAt);
  }

  private static SimulatedGlooMesh.Builder threeRemotes() {
    return SimulatedUpgrade.mgmtAndCluster1().remoteClusters("cluster-1", "cluster-2", "cluster-3");
  }

  private static Map<WriteClass, ArmedFault> arm(
      SimulatedGlooMesh sim, Scenario scenario, Fault fault) {
    Map<WriteClass, ArmedFault> armed = new EnumMap<>(WriteClass.class);
    for (WriteClass write : WriteClass.of(scenario)) {
      armed.put(write, fault.arm(sim.faults(write.cluster), write.method, write.pathRegex));
    }
    return armed;
  }

  private static void assertEveryFaultAnswered(Map<WriteClass, ArmedFault> armed) {
    armed.forEach(
        (write, fault) ->
            assertThat(fault.injected()).as("faults answered on " + write).isEqualTo(1));
  }

  /** Every accepted change of networking's replicas before the approval set them to 0. */
  private static void assertNetworkingHeldUntil(RequestJournal journal, long approvalAt) {
    List<ReplicaChange> before =
        journal.replicaChanges(NS, "networking").stream()
            .filter(c -> c.sequence() < approvalAt && c.succeeded())
            .toList();
    assertThat(before).as("networking's replica changes before the approval").isNotEmpty();
    assertThat(before).allSatisfy(c -> assertThat(c.replicas()).as(c.toString()).isZero());
  }

  /**
   * Records each cell: the faults answered, and whether the same verb and path came again after the
   * fault ("re-sent") or the retry found the write applied, as it is after a reset or timeout of a
   * request the server handled ("found applied"; the end state check shows it was).
   */
  private static synchronized void record(
      SimulatedGlooMesh sim,
      UpgradeHarness harness,
      Map<WriteClass, ArmedFault> armed,
      Fault fault,
      Instant armedAt) {
    Duration run = Duration.between(armedAt, Instant.now());
    armed.forEach(
        (write, armedFault) -> {
          List<RecordedCall> calls =
              sim.journal(write.cluster).matching(write.method, write.pathRegex).stream()
                  .filter(c -> !c.fromSimulator() && !c.time().isBefore(armedAt))
                  .toList();
          int faulted = fault.reachesTheServer() ? 1 : 0;
          String then = calls.size() > faulted ? "re-sent" : "found applied";
          MATRIX
              .computeIfAbsent(write, w -> new EnumMap<>(Fault.class))
              .put(fault, "%d, %s".formatted(armedFault.injected(), then));
        });
    Scenario scenario = armed.keySet().iterator().next().scenario;
    RUNS.computeIfAbsent(scenario, s -> new EnumMap<>(Fault.class))
        .put(fault, "retries %d, %d s".formatted(retries(harness), run.toSeconds()));
  }

  /** Activity attempts after a failed one, in the run's history. */
  private static int retries(UpgradeHarness harness) {
    return harness.client.fetchHistory(UpgradeHarness.ID).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
        .mapToInt(e -> e.getActivityTaskStartedEventAttributes().getAttempt() - 1)
        .sum();
  }

  @AfterAll
  static synchronized void printMatrix() {
    if (MATRIX.isEmpty()) {
      return;
    }
    StringBuilder table = new StringBuilder("| write |");
    for (Fault fault : Fault.values()) {
      table.append(' ').append(fault.label).append(" |");
    }
    table.append("\n|---|").append("---|".repeat(Fault.values().length)).append('\n');
    MATRIX.forEach(
        (write, row) -> {
          table.append("| ").append(write.name().toLowerCase(Locale.ROOT)).append(" |");
          for (Fault fault : Fault.values()) {
            table.append(' ').append(row.getOrDefault(fault, "not run")).append(" |");
          }
          table.append('\n');
        });
    RUNS.forEach(
        (scenario, row) -> {
          table.append("| ").append(scenario.name().toLowerCase(Locale.ROOT)).append(" run |");
          for (Fault fault : Fault.values()) {
            table.append(' ').append(row.getOrDefault(fault, "not run")).append(" |");
          }
          table.append('\n');
        });
    System.out.println(
        "Fault matrix (faults answered, then whether the retry re-sent the write or found it"
            + " applied; per run, activity retries and seconds):\n"
            + table);
  }

  private static EndState cleanEnd;

  /** The end state of the same upgrade without faults, taken once. */
  private EndState cleanEnd() {
    synchronized (FaultMatrixIT.class) {
      if (cleanEnd == null) {
        try (SimulatedUpgrade clean = new SimulatedUpgrade()) {
          SimulatedGlooMesh sim = clean.simulate(threeRemotes());
          UpgradeHarness harness = clean.startHarness();
          GlooMeshUpgradeWorkflow wf =
              harness.start(harness.request("0.11.3").put("requireApproval", false));
          assertThat(result(wf).outcome()).isEqualTo(RunState.SUCCEEDED);
          cleanEnd = EndState.of(sim);
        }
      }
      return cleanEnd;
    }
  }

  /** What a run leaves on each cluster, apart from Gloo Mesh's configuration. */
  record EndState(Map<String, List<String>> objects) {
    static EndState of(SimulatedGlooMesh sim) {
      Map<String, List<String>> objects = new java.util.TreeMap<>();
      for (String cluster : sim.clusters()) {
        KubernetesClient client = sim.client(cluster);
        List<String> names = new ArrayList<>();
        client.serviceAccounts().inNamespace(NS).list().getItems().stream()
            .map(o -> "ServiceAccount " + o.getMetadata().getName())
            .forEach(names::add);
        // Each run saves its own backup, named after its run ID: the chunks count, not the names.
        client.secrets().inNamespace(NS).list().getItems().stream()
            .map(
                o ->
                    "Secret "
                        + o.getMetadata()
                            .getName()
                            .replaceFirst("^gmu-backup-[0-9a-f]+-", "gmu-backup-*-"))
            .forEach(names::add);
        client.services().inNamespace(NS).list().getItems().stream()
            .map(o -> "Service " + o.getMetadata().getName())
            .forEach(names::add);
        client.apps().deployments().inNamespace(NS).list().getItems().stream()
            .map(
                d ->
                    "Deployment %s %s x%d"
                        .formatted(
                            d.getMetadata().getName(),
                            d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
                            d.getSpec().getReplicas()))
            .forEach(names::add);
        client.rbac().clusterRoles().list().getItems().stream()
            .map(o -> "ClusterRole " + o.getMetadata().getName())
            .forEach(names::add);
        client.rbac().clusterRoleBindings().list().getItems().stream()
            .map(o -> "ClusterRoleBinding " + o.getMetadata().getName())
            .forEach(names::add);
        client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
            .map(
                c ->
                    "CRD %s %s"
                        .formatted(
                            c.getMetadata().getName(),
                            c.getSpec().getVersions().stream()
                                .map(v -> v.getName())
                                .sorted()
                                .toList()))
            .forEach(names::add);
        names.sort(null);
        objects.put(cluster, names);
      }
      return new EndState(objects);
    }
  }
}
