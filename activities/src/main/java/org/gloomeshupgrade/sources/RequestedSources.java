package org.gloomeshupgrade.sources;

import java.util.List;

/**
 * What an activity's input names for the worker to read or run, each as the request gave it. A null
 * field is not part of that input, and is checked where it is used.
 *
 * @param chart the control-plane chart ("" for the default repository)
 * @param crdSource the CRD source ("" for the public repository, "chart" for the chart's own)
 * @param agentCharts where the agent charts come from ("" beside the chart, "none" for none)
 * @param meshctlPath the meshctl binary ("" for the one on the worker's PATH)
 * @param valuesFiles Helm values files
 * @param targetVersion the version, which picks the public CRD location
 */
public record RequestedSources(
    String chart,
    String crdSource,
    String agentCharts,
    String meshctlPath,
    List<String> valuesFiles,
    String targetVersion) {

  public RequestedSources {
    valuesFiles = valuesFiles == null ? List.of() : List.copyOf(valuesFiles);
  }

  /** Only a CRD source, with the chart it may name ("chart"). */
  public static RequestedSources crds(String crdSource, String chart, String targetVersion) {
    return new RequestedSources(
        "chart".equalsIgnoreCase(crdSource == null ? "" : crdSource.trim()) ? chart : null,
        crdSource,
        null,
        null,
        List.of(),
        targetVersion);
  }

  /** Only the meshctl binary. */
  public static RequestedSources meshctl(String meshctlPath) {
    return new RequestedSources(null, null, null, meshctlPath, List.of(), null);
  }
}
