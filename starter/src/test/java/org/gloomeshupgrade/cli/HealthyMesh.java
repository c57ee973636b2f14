package org.gloomeshupgrade.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.gloomeshupgrade.backup.BackupActivities;
import org.gloomeshupgrade.backup.BackupInput;
import org.gloomeshupgrade.backup.BackupList;
import org.gloomeshupgrade.backup.BackupListInput;
import org.gloomeshupgrade.backup.BackupResult;
import org.gloomeshupgrade.backup.RestoreInput;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.conformance.ConformanceActivities;
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
 * The activities of a whole upgrade over a mesh at 0.10.10 with one remote cluster on which every
 * step succeeds at once: no conformance problem, discovery and networking back on the first poll.
 * It keeps what the steps change (replicas, discovery resources, CRD and control-plane versions),
 * so that a run carrying on another finds the end state the earlier run left. Dry runs and restores
 * are refused: nothing here asks for them.
 */
final class HealthyMesh
    implements PreflightActivities,
        BackupActivities,
        DeploymentActivities,
        DiscoveryActivities,
        CrdActivities,
        ControlPlaneActivities,
        ConformanceActivities,
        RegistrationActivities,
        VerifyActivities {
  private static final String CONTEXT = "mgmt";
  private static final Map<String, Integer> INVENTORY = Map.of("Mesh", 2, "Workload", 4);
  private static final RegisteredCluster REMOTE =
      new RegisteredCluster("cluster-1", "cluster-1", "cluster-1", "cluster.local");
  private static final NetworkingStatus ALL_ACCEPTED = new NetworkingStatus(3, 3, List.of());

  private final Map<String, Integer> replicas =
      new ConcurrentHashMap<>(Map.of("discovery", 1, "networking", 1));
  private volatile Map<String, Integer> discovered = INVENTORY;
  private volatile String crds = "0.10.10";
  private volatile String controlPlane = "0.10.10";

  @Override
  public PreflightReport preflight(PreflightInput input) {
    return new PreflightReport(
        CONTEXT,
        "v1.29.0",
        controlPlane,
        Map.of("discovery", controlPlane, "networking", controlPlane),
        Map.copyOf(replicas),
        discovered,
        List.of(REMOTE),
        12,
        List.of());
  }

  @Override
  public BackupResult backup(BackupInput input) {
    return new BackupResult(
        input.backupId(),
        "Secrets gloo-mesh/" + input.backupId() + "-*",
        Map.of("TrafficPolicy", 1),
        1,
        512,
        false,
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
    throw new UnsupportedOperationException("no restore here");
  }

  @Override
  public ScaleResult scale(ScaleInput input) {
    Integer before = replicas.put(input.deployment(), input.replicas());
    if (input.deployment().equals("discovery") && input.replicas() > 0) {
      discovered = INVENTORY;
    }
    return new ScaleResult(
        input.deployment(),
        before == null ? 0 : before,
        input.replicas(),
        before == null || before != input.replicas(),
        0);
  }

  @Override
  public DiscoveryDeleteResult deleteAll(String context) {
    Map<String, Integer> deleted = discovered;
    discovered = Map.of();
    return new DiscoveryDeleteResult(deleted, 1);
  }

  @Override
  public DiscoveryCounts count(String context) {
    return new DiscoveryCounts(discovered);
  }

  @Override
  public CrdSourceReport check(CrdApplyInput input) {
    return new CrdSourceReport("chart", 12, List.of("networking.mesh.gloo.solo.io"));
  }

  @Override
  public CrdApplyResult apply(CrdApplyInput input) {
    crds = input.targetVersion();
    return new CrdApplyResult(
        "chart", List.of(), List.of("trafficpolicies.networking.mesh.gloo.solo.io"), false);
  }

  @Override
  public CrdApplyResult dryRun(CrdApplyInput input) {
    throw new UnsupportedOperationException("no dry run here");
  }

  @Override
  public ToolingReport resolveTooling(ControlPlaneInput input) {
    return new ToolingReport(
        "helm", "gloo-mesh-" + input.targetVersion() + ".tgz", "v3", "chart found");
  }

  @Override
  public ControlPlaneResult upgrade(ControlPlaneInput input) {
    controlPlane = input.targetVersion();
    return new ControlPlaneResult(
        "manifests", 0, 0, List.of("Deployment gloo-mesh/discovery"), List.of(), "applied", "");
  }

  @Override
  public ControlPlaneResult dryRun(ControlPlaneInput input) {
    throw new UnsupportedOperationException("no dry run here");
  }

  @Override
  public ConformanceReport check(String context) {
    return new ConformanceReport(3, List.of());
  }

  @Override
  public ConformanceReport checkAgainstTarget(CrdApplyInput input) {
    return new ConformanceReport(3, List.of());
  }

  @Override
  public ReRegisterResult reRegister(ReRegisterInput input) {
    // method and detail null, as in results recorded
    // before the agent charts and meshctl registration
    return new ReRegisterResult(
        input.cluster(),
        List.of(),
        List.of("Secret gloo-mesh/" + input.cluster()),
        "https://" + input.cluster(),
        null,
        List.of(),
        null);
  }

  @Override
  public NetworkingStatus networkingStatus(String context) {
    return ALL_ACCEPTED;
  }

  @Override
  public VerifyReport verify(VerifyInput input) {
    return new VerifyReport(List.of(version("control plane", controlPlane, input.targetVersion())));
  }

  @Override
  public EndState observeEndState(EndStateInput input) {
    return new EndState(
        replicas,
        replicas,
        version("CRDs", crds, input.targetVersion()),
        version("control plane", controlPlane, input.targetVersion()),
        List.of(REMOTE.name()),
        discovered,
        ALL_ACCEPTED);
  }

  private static VerifyCheck version(String what, String version, String target) {
    return new VerifyCheck(
        what + " at the target version",
        version.equals(target) ? CheckLevel.GREEN : CheckLevel.RED,
        what + " at " + version,
        version.equals(target) ? "" : "upgrade to " + target);
  }
}
