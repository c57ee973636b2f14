package org.gloomeshupgrade.cli;

import java.util.List;
import java.util.Map;
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
import org.gloomeshupgrade.preflight.PreflightActivities;
import org.gloomeshupgrade.preflight.PreflightInput;
import org.gloomeshupgrade.preflight.PreflightReport;

/**
 * The activities a dry run calls, answering as a mesh at 0.10.10 with one resource the target's
 * schema refuses, so that the run stops in preflight for a person. Anything a dry run does not call
 * is refused.
 */
final class DryRunMesh
    implements PreflightActivities, ConformanceActivities, ControlPlaneActivities, CrdActivities {
  static final ConformanceProblem PROBLEM =
      new ConformanceProblem(
          "TrafficPolicy",
          "bookinfo",
          "reviews",
          "$.spec.retries.x",
          "would be lost",
          "move it to spec.policy");

  @Override
  public PreflightReport preflight(PreflightInput input) {
    return new PreflightReport(
        "mgmt",
        "v1.29.0",
        "0.10.10",
        Map.of("discovery", "0.10.10"),
        Map.of("discovery", 1, "networking", 1),
        Map.of("Mesh", 2),
        List.of(),
        12,
        List.of());
  }

  @Override
  public ConformanceReport checkAgainstTarget(CrdApplyInput crds) {
    return new ConformanceReport(3, List.of(PROBLEM));
  }

  @Override
  public ToolingReport resolveTooling(ControlPlaneInput input) {
    return new ToolingReport(
        "helm", "gloo-mesh-" + input.targetVersion() + ".tgz", "v3", "chart found");
  }

  @Override
  public CrdSourceReport check(CrdApplyInput input) {
    return new CrdSourceReport("chart", 12, List.of("networking.mesh.gloo.solo.io"));
  }

  @Override
  public CrdApplyResult dryRun(CrdApplyInput input) {
    return new CrdApplyResult(
        "chart", List.of(), List.of("trafficpolicies.networking.mesh.gloo.solo.io"), true);
  }

  @Override
  public ControlPlaneResult dryRun(ControlPlaneInput input) {
    return new ControlPlaneResult(
        "helm", 3, 3, List.of(), List.of(), "helm upgrade --dry-run=server: deployed", "");
  }

  @Override
  public ConformanceReport check(String context) {
    throw new UnsupportedOperationException("not in a dry run");
  }

  @Override
  public ControlPlaneResult upgrade(ControlPlaneInput input) {
    throw new UnsupportedOperationException("not in a dry run");
  }

  @Override
  public CrdApplyResult apply(CrdApplyInput input) {
    throw new UnsupportedOperationException("not in a dry run");
  }
}
