package org.gloomeshupgrade.workflow;

import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.gloomeshupgrade.backup.BackupActivities;
import org.gloomeshupgrade.backup.BackupInput;
import org.gloomeshupgrade.backup.BackupList;
import org.gloomeshupgrade.backup.BackupListInput;
import org.gloomeshupgrade.backup.BackupResult;
import org.gloomeshupgrade.backup.RestoreInput;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.conformance.ConformanceActivities;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.conformance.ConformanceReport;
import org.gloomeshupgrade.controlplane.ControlPlaneActivities;
import org.gloomeshupgrade.controlplane.ControlPlaneInput;
import org.gloomeshupgrade.controlplane.ControlPlaneResult;
import org.gloomeshupgrade.controlplane.ToolingReport;
import org.gloomeshupgrade.crds.CrdActivities;
import org.gloomeshupgrade.crds.CrdApplyInput;
import org.gloomeshupgrade.crds.CrdApplyResult;
import org.gloomeshupgrade.crds.CrdSourceReport;
import org.gloomeshupgrade.deployments.DeploymentActivities;
import org.gloomeshupgrade.deployments.ScaleInput;
import org.gloomeshupgrade.deployments.ScaleResult;
import org.gloomeshupgrade.discovery.DiscoveryActivities;
import org.gloomeshupgrade.discovery.DiscoveryCounts;
import org.gloomeshupgrade.discovery.DiscoveryDeleteResult;
import org.gloomeshupgrade.preflight.PreflightActivities;
import org.gloomeshupgrade.preflight.PreflightInput;
import org.gloomeshupgrade.preflight.PreflightReport;
import org.gloomeshupgrade.preflight.RegisteredCluster;
import org.gloomeshupgrade.registration.ReRegisterInput;
import org.gloomeshupgrade.registration.ReRegisterResult;
import org.gloomeshupgrade.registration.RegistrationActivities;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.EndState;
import org.gloomeshupgrade.verify.EndStateInput;
import org.gloomeshupgrade.verify.NetworkingStatus;
import org.gloomeshupgrade.verify.VerifyActivities;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.verify.VerifyInput;
import org.gloomeshupgrade.verify.VerifyReport;

/**
 * An in-memory mesh behind every activity interface, for workflow-logic tests. It records each call
 * in order so tests can assert the runbook's order and the safety properties. The real activities
 * are tested against simulated clusters elsewhere.
 */
class FakeMesh
    implements PreflightActivities,
        DeploymentActivities,
        DiscoveryActivities,
        CrdActivities,
        BackupActivities,
        ControlPlaneActivities,
        ConformanceActivities,
        RegistrationActivities,
        VerifyActivities {

  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<VerifyInput> verifyInputs = new CopyOnWriteArrayList<>();
  final List<ControlPlaneInput> controlPlaneInputs = new CopyOnWriteArrayList<>();
  final Map<String, Integer> replicas =
      new ConcurrentHashMap<>(Map.of("discovery", 1, "networking", 1));
  volatile String runningVersion = "0.10.10";
  volatile int discoveryResources = 6;

  /** How many resources discovery finds when it runs (preflight's inventory is 6). */
  volatile int discoveryFinds = 6;

  /** When false, discovery never recreates its resources. */
  final AtomicBoolean discoveryComesBack = new AtomicBoolean(true);

  final List<ConformanceProblem> conformanceProblems = new CopyOnWriteArrayList<>();

  /** Problems the check after the upgrade found beyond those it lists. */
  volatile int conformanceUnlisted;

  /** When set, restoring the backup fails as for a backup whose Secrets were deleted. */
  volatile boolean restoreFails;

  /** How many registered clusters preflight finds: cluster-1, cluster-2, ... */
  volatile int clusterCount = 2;

  /** Clusters whose registration fails (non-retryable, so no retry waits), until removed. */
  final Set<String> failingClusters = ConcurrentHashMap.newKeySet();

  final AtomicInteger registering = new AtomicInteger();

  /** The most registrations that ran at the same time. */
  final AtomicInteger mostRegisteringAtOnce = new AtomicInteger();

  /**
   * Registrations (but cluster-1's) wait, up to 5 s, until this many have run at once: a test of
   * concurrency then sees the overlap however slowly activities are dispatched.
   */
  volatile int awaitOverlapOf = 0;

  /** Problems against the target's CRDs, found in preflight. */
  final List<ConformanceProblem> targetConformanceProblems = new CopyOnWriteArrayList<>();

  /**
   * Answers of the networking status once networking runs, one per poll; the last one stays. Empty:
   * all ACCEPTED.
   */
  final ConcurrentLinkedDeque<NetworkingStatus> networkingAnswers = new ConcurrentLinkedDeque<>();

  /** How many preflights fail (non-retryable, 403) before they pass. */
  final AtomicInteger preflightFailures = new AtomicInteger();

  /**
   * When set, the control-plane upgrade runs, heartbeating, until it is cancelled: a Helm upgrade
   * in flight when a person cancels the run.
   */
  final AtomicBoolean controlPlaneRunsOn = new AtomicBoolean();

  /** The version of the installed CRDs. */
  volatile String crdsVersion = "0.10.10";

  /** When set, the CRD source check refuses with this message, as for an incomplete set. */
  volatile String crdSourceProblem;

  Object[] all() {
    return new Object[] {this};
  }

  List<String> mutatingCalls() {
    return calls.stream()
        .filter(
            c ->
                !c.startsWith("preflight")
                    && !c.startsWith("tooling")
                    && !c.startsWith("count")
                    && !c.startsWith("networkingStatus")
                    && !c.startsWith("verify")
                    && !c.startsWith("conformance")
                    && !c.startsWith("crds check")
                    && !c.startsWith("endState")
                    && !c.startsWith("backup")
                    && !c.contains(" dry run"))
        .toList();
  }

  @Override
  public PreflightReport preflight(PreflightInput input) {
    calls.add("preflight " + input.context());
    if (preflightFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw ApplicationFailure.newNonRetryableFailure(
          "permission denied: get deployments", FailureTypes.FORBIDDEN);
    }
    String ctx = input.context().isEmpty() ? "mgmt" : input.context();
    return new PreflightReport(
        ctx,
        "v1.29.0",
        runningVersion,
        Map.of("discovery", runningVersion, "networking", runningVersion),
        new LinkedHashMap<>(replicas),
        Map.of("Mesh", 2, "Workload", 4),
        IntStream.rangeClosed(1, clusterCount)
            .mapToObj(
                i ->
                    new RegisteredCluster(
                        "cluster-" + i, "cluster-" + i, "cluster-" + i, "cluster.local"))
            .toList(),
        42,
        List.of());
  }

  @Override
  public ScaleResult scale(ScaleInput input) {
    calls.add("scale " + input.deployment() + " " + input.replicas());
    int before = replicas.getOrDefault(input.deployment(), 0);
    replicas.put(input.deployment(), input.replicas());
    return new ScaleResult(
        input.deployment(), before, input.replicas(), before != input.replicas(), 0);
  }

  @Override
  public DiscoveryDeleteResult deleteAll(String context) {
    calls.add("deleteDiscovery");
    discoveryResources = 0;
    return new DiscoveryDeleteResult(Map.of("Mesh", 2, "Workload", 4), 2);
  }

  @Override
  public DiscoveryCounts count(String context) {
    calls.add("count");
    if (replicas.getOrDefault("discovery", 0) > 0 && discoveryComesBack.get()) {
      int n = discoveryFinds;
      return new DiscoveryCounts(Map.of("Mesh", Math.min(2, n), "Workload", Math.max(0, n - 2)));
    }
    return new DiscoveryCounts(Map.of("Mesh", 0, "Workload", 0));
  }

  @Override
  public BackupResult backup(BackupInput input) {
    calls.add("backup " + input.backupId());
    return new BackupResult(
        input.backupId(),
        "Secrets gloo-mesh/gmu-backup-* on mgmt",
        Map.of("TrafficPolicy", 2),
        1,
        900,
        true,
        false,
        List.of(),
        List.of());
  }

  @Override
  public BackupList list(BackupListInput input) {
    return new BackupList(input.context(), input.namespace(), 5, List.of());
  }

  @Override
  public RestoreResult restore(RestoreInput input) {
    calls.add("restore " + input.backupId());
    if (restoreFails) {
      throw ApplicationFailure.newNonRetryableFailure(
          "backup Secrets gone", FailureTypes.BACKUP_INVALID);
    }
    return new RestoreResult(input.backupId(), List.of(), List.of(), 2);
  }

  @Override
  public CrdSourceReport check(CrdApplyInput input) {
    calls.add("crds check " + input.targetVersion());
    if (crdSourceProblem != null) {
      throw ApplicationFailure.newNonRetryableFailure(crdSourceProblem, FailureTypes.CRD_SOURCE);
    }
    return new CrdSourceReport("fake", 12, List.of("networking.mesh.gloo.solo.io"));
  }

  @Override
  public CrdApplyResult apply(CrdApplyInput input) {
    calls.add("crds " + input.targetVersion());
    crdsVersion = input.targetVersion();
    return new CrdApplyResult(
        "fake", List.of(), List.of("trafficpolicies.networking.mesh.gloo.solo.io"), true);
  }

  @Override
  public CrdApplyResult dryRun(CrdApplyInput input) {
    calls.add("crds dry run " + input.targetVersion());
    return new CrdApplyResult(
        "fake",
        List.of("new.networking.mesh.gloo.solo.io"),
        List.of("trafficpolicies.networking.mesh.gloo.solo.io"),
        true);
  }

  @Override
  public ControlPlaneResult dryRun(ControlPlaneInput input) {
    calls.add("controlPlane dry run " + input.targetVersion());
    return new ControlPlaneResult(
        "helm", 3, 3, List.of(), List.of(), "helm upgrade --dry-run=server: deployed", "");
  }

  @Override
  public ToolingReport resolveTooling(ControlPlaneInput input) {
    calls.add("tooling " + input.installMethod());
    return new ToolingReport(
        "helm", "fake-chart", "v3", "chart " + input.targetVersion() + " found", 3);
  }

  @Override
  public ControlPlaneResult upgrade(ControlPlaneInput input) {
    calls.add("controlPlane " + input.targetVersion());
    controlPlaneInputs.add(input);
    while (controlPlaneRunsOn.get()) {
      try {
        Activity.getExecutionContext().heartbeat("upgrading");
        Thread.sleep(50);
      } catch (ActivityCompletionException | InterruptedException ended) {
        calls.add("controlPlane cancelled");
        throw ended instanceof ActivityCompletionException e ? e : new IllegalStateException(ended);
      }
    }
    runningVersion = input.targetVersion();
    return new ControlPlaneResult(
        "helm",
        3,
        4,
        List.of("Deployment gloo-mesh/networking"),
        List.of(),
        "",
        "gloo-mesh/gloo-mesh");
  }

  @Override
  public ConformanceReport check(String context) {
    calls.add("conformance");
    return new ConformanceReport(
        5, List.copyOf(conformanceProblems), List.of(), conformanceUnlisted, 0);
  }

  @Override
  public ConformanceReport checkAgainstTarget(CrdApplyInput input) {
    calls.add("conformance to target " + input.targetVersion());
    return new ConformanceReport(5, List.copyOf(targetConformanceProblems));
  }

  @Override
  public ReRegisterResult reRegister(ReRegisterInput input) {
    calls.add("reRegister " + input.cluster());
    int now = registering.incrementAndGet();
    mostRegisteringAtOnce.accumulateAndGet(now, Math::max);
    try {
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!input.cluster().equals("cluster-1")
          && mostRegisteringAtOnce.get() < awaitOverlapOf
          && System.nanoTime() < giveUp) {
        Thread.sleep(5);
      }
      // Long enough for registrations started together to overlap; the
      // first cluster is quicker, so that the completions come apart.
      Thread.sleep(input.cluster().equals("cluster-1") ? 10 : 250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      registering.decrementAndGet();
    }
    if (failingClusters.contains(input.cluster())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cluster " + input.cluster() + " is unreachable", FailureTypes.SERVER_ERROR);
    }
    return new ReRegisterResult(
        input.cluster(),
        List.of(),
        List.of("Secret gloo-mesh/" + input.cluster()),
        "https://" + input.cluster(),
        "native",
        List.of("cert-agent " + input.targetVersion() + " upgraded"),
        "");
  }

  @Override
  public NetworkingStatus networkingStatus(String context) {
    calls.add("networkingStatus");
    boolean running = replicas.getOrDefault("networking", 0) > 0;
    if (running && !networkingAnswers.isEmpty()) {
      return networkingAnswers.size() == 1 ? networkingAnswers.peek() : networkingAnswers.poll();
    }
    return running
        ? new NetworkingStatus(4, 4, List.of())
        : new NetworkingStatus(4, 0, List.of("TrafficPolicy gloo-mesh/tp: PENDING"));
  }

  @Override
  public EndState observeEndState(EndStateInput input) {
    calls.add("endState");
    Map<String, Integer> now = new LinkedHashMap<>(replicas);
    int discovered =
        replicas.getOrDefault("discovery", 0) > 0 && discoveryComesBack.get()
            ? discoveryFinds
            : discoveryResources;
    NetworkingStatus networking =
        replicas.getOrDefault("networking", 0) > 0
            ? new NetworkingStatus(4, 4, List.of())
            : new NetworkingStatus(4, 0, List.of("TrafficPolicy gloo-mesh/tp: PENDING"));
    return new EndState(
        now,
        now,
        new VerifyCheck(
            "CRDs at target version",
            crdsVersion.equals(input.targetVersion()) ? CheckLevel.GREEN : CheckLevel.RED,
            "12 Gloo Mesh CRD(s) at " + crdsVersion,
            ""),
        new VerifyCheck(
            "control plane version",
            runningVersion.equals(input.targetVersion()) ? CheckLevel.GREEN : CheckLevel.RED,
            "discovery and networking run " + runningVersion,
            ""),
        IntStream.rangeClosed(1, clusterCount)
            .mapToObj(i -> "cluster-" + i)
            .filter(c -> !failingClusters.contains(c))
            .toList(),
        Map.of("Mesh", Math.min(2, discovered), "Workload", Math.max(0, discovered - 2)),
        networking);
  }

  @Override
  public VerifyReport verify(VerifyInput input) {
    calls.add("verify");
    verifyInputs.add(input);
    List<VerifyCheck> checks = new ArrayList<>();
    checks.add(new VerifyCheck("deployments available", CheckLevel.GREEN, "2 of 2", ""));
    checks.add(
        new VerifyCheck(
            "control plane version",
            runningVersion.equals(input.targetVersion()) ? CheckLevel.GREEN : CheckLevel.RED,
            runningVersion,
            "upgrade the control plane"));
    NetworkingStatus networking = networkingStatus(input.context());
    checks.add(
        new VerifyCheck(
            "networking resources accepted",
            networking.steady() ? CheckLevel.GREEN : CheckLevel.RED,
            networking.steady() ? "all ACCEPTED" : String.join("; ", networking.notAccepted()),
            networking.steady() ? "" : "read status.errors"));
    return new VerifyReport(checks);
  }

  static ApplicationFailure notFound(String what) {
    return ApplicationFailure.newNonRetryableFailure(what + " not found", FailureTypes.NOT_FOUND);
  }
}
