package org.gloomeshupgrade.preflight;

import java.util.List;
import java.util.Map;

/**
 * @param context management cluster context ("" for the worker's default)
 * @param clusters clusters to re-register; empty for every registered one
 * @param clusterContexts cluster name to kubeconfig context, where it differs from the name
 */
public record PreflightInput(
    String context,
    String namespace,
    String discoveryDeployment,
    String networkingDeployment,
    List<String> clusters,
    Map<String, String> clusterContexts,
    String remoteNamespace) {}
