package org.gloomeshupgrade.controlplane;

/**
 * @param tool "helm" or "meshctl"
 * @param resolvedChart where the chart of the target version comes from (helm, manifests)
 * @param toolVersion the version the tool reported
 * @param releaseRevision the Helm release's revision as the tooling step found it, before the run
 *     changed anything; 0 when the method has no release (and in runs recorded before it was
 *     reported)
 */
public record ToolingReport(
    String tool, String resolvedChart, String toolVersion, String detail, int releaseRevision) {

  /** Without a release revision. */
  public ToolingReport(String tool, String resolvedChart, String toolVersion, String detail) {
    this(tool, resolvedChart, toolVersion, detail, 0);
  }
}
