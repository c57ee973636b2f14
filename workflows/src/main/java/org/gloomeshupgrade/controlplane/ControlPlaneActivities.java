package org.gloomeshupgrade.controlplane;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Steps 1 and 5: the tool that installs the control plane, and the control-plane upgrade itself.
 */
@ActivityInterface
public interface ControlPlaneActivities {
  /**
   * Step 1: resolves the chart version (helm, manifests) or checks that meshctl is the target
   * version.
   */
  @ActivityMethod(name = "ResolveTooling")
  ToolingReport resolveTooling(ControlPlaneInput input);

  /**
   * Step 5: upgrades the control plane to the target, then makes sure the discovery and networking
   * deployments are still at 0 replicas (scaling them back at once if the chart set them).
   */
  @ActivityMethod(name = "UpgradeControlPlane")
  ControlPlaneResult upgrade(ControlPlaneInput input);

  /**
   * Step 5 as a server-side dry run: helm upgrades with {@code --dry-run=server}, manifests are
   * sent with {@code dryRun=All}; the API server validates every object and changes nothing.
   * meshctl has no dry run: the result says it was not checked.
   */
  @ActivityMethod(name = "DryRunControlPlane")
  ControlPlaneResult dryRun(ControlPlaneInput input);
}
