package org.gloomeshupgrade.controlplane;

/** One way to install the control plane (an {@link org.gloomeshupgrade.request.InstallMethod}). */
public interface ControlPlaneInstaller {
  /**
   * Step 1: checks, without changing any cluster, that this method can install the target version.
   */
  ToolingReport resolveTooling(InstallSpec spec);

  /**
   * Step 5: upgrades the control plane to the target version. Running it twice equals running it
   * once.
   */
  InstallOutcome upgrade(InstallSpec spec);

  /**
   * Step 5 as a server-side dry run: the API server validates what {@link #upgrade} would send,
   * nothing changes.
   */
  InstallOutcome dryRun(InstallSpec spec);

  /**
   * Whether {@link #upgrade} writes discovery's and networking's replica counts as they are. When
   * it does not (Helm, and meshctl through Helm, write the chart's), the step holds new pods in the
   * namespace while it runs, so that neither starts before the step scales it back to 0.
   */
  default boolean keepsReplicaCounts() {
    return false;
  }
}
