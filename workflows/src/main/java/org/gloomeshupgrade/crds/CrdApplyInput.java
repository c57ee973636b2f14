package org.gloomeshupgrade.crds;

/**
 * @param source a local folder or file, a chart (.tgz or folder), "chart" for the CRDs of the
 *     control-plane chart, an http(s) base URL, or "" for the public repository at the target tag
 * @param establishTimeoutSeconds how long to wait for each CRD to become Established
 * @param chart the control-plane chart of the request, read when the source is "chart" (histories
 *     recorded before this field existed decode it as null: the default repository)
 */
public record CrdApplyInput(
    String context,
    String source,
    String targetVersion,
    long establishTimeoutSeconds,
    String chart) {

  public CrdApplyInput {
    chart = chart == null ? "" : chart;
  }

  /** With the default chart repository. */
  public CrdApplyInput(
      String context, String source, String targetVersion, long establishTimeoutSeconds) {
    this(context, source, targetVersion, establishTimeoutSeconds, "");
  }
}
