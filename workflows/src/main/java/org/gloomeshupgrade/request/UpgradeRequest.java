package org.gloomeshupgrade.request;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.messages.SortedCopy;

/**
 * A validated upgrade request. The wire form is a JSON object whose field names are these component
 * names; only {@code targetVersion} is required (see {@link RequestDefaults}). Build one from JSON
 * with {@link UpgradeRequestParser}.
 *
 * @param notifyNote free text every notification of the run carries (a channel hint, an on-call
 *     handle); "" when none
 */
public record UpgradeRequest(
    String targetVersion,
    String managementContext,
    String namespace,
    InstallMethod installMethod,
    String helmRelease,
    String chart,
    List<String> helmValuesFiles,
    String crdSource,
    String meshctlPath,
    List<String> clusters,
    Map<String, String> clusterContexts,
    String remoteNamespace,
    String clusterDomain,
    String discoveryDeployment,
    String networkingDeployment,
    Duration discoveryPollInterval,
    Duration discoverySettleWindow,
    Duration discoveryTimeout,
    Duration networkingTimeout,
    Duration scaleTimeout,
    boolean requireApproval,
    Duration approvalTimeout,
    Duration attentionTimeout,
    boolean allowDowngrade,
    boolean dryRun,
    RegistrationMethod registrationMethod,
    int registrationConcurrency,
    String agentCharts,
    List<String> approvers,
    String requestedBy,
    boolean allowSelfApproval,
    Duration approvalReminder,
    ResumeFrom resumeFrom,
    String notifyNote) {

  public UpgradeRequest {
    clusters = List.copyOf(clusters);
    helmValuesFiles = List.copyOf(helmValuesFiles);
    clusterContexts = SortedCopy.of(clusterContexts);
    approvers = List.copyOf(approvers);
  }

  /**
   * Whether this run carries on an earlier run of the same upgrade ({@link #resumeFrom()} is then
   * set).
   */
  public boolean resumes() {
    return resumeFrom != null;
  }

  /** The kubeconfig context of a registered cluster: as mapped in the request, else its name. */
  public String contextOf(String cluster) {
    return clusterContexts.getOrDefault(cluster, cluster);
  }
}
