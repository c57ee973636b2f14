package org.gloomeshupgrade.preflight;

import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.request.InstallMethod;

/**
 * @param context management cluster context ("" for the worker's default)
 * @param clusters clusters to re-register; empty for every registered one
 * @param clusterContexts cluster name to kubeconfig context, where it differs from the name
 * @param agentCharts how step 7 puts the agent charts on each remote cluster (helm or manifests),
 *     or null when it leaves them alone (meshctl registration, agentCharts "none", histories
 *     recorded before)
 */
public record PreflightInput(
    String context,
    String namespace,
    String discoveryDeployment,
    String networkingDeployment,
    List<String> clusters,
    Map<String, String> clusterContexts,
    String remoteNamespace,
    InstallMethod agentCharts) {}
