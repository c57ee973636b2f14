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
}
