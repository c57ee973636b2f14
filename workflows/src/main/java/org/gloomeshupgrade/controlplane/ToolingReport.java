package org.gloomeshupgrade.controlplane;

/**
 * @param tool "helm" or "meshctl"
 * @param resolvedChart where the chart of the target version comes from (helm, manifests)
 * @param toolVersion the version the tool reported
 */
public record ToolingReport(String tool, String resolvedChart, String toolVersion, String detail) {}
