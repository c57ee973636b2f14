package org.gloomeshupgrade.registration;

import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.request.RegistrationMethod;

/**
 * One cluster to re-register. Fields after {@code clusterDomain} came later: histories recorded
 * before decode them as null, which means native registration without the agent charts.
 *
 * @param method native (objects through the API, agent charts through the Helm interface) or
 *     meshctl
 * @param targetVersion the Gloo Mesh version whose agent charts (or meshctl flag set) to use
 * @param agentInstallMethod how the agent charts go on the remote cluster: helm or manifests, as
 *     the control plane
 * @param agentCharts where the agent charts come from ("" beside the control-plane chart, "none" to
 *     leave the agents)
 * @param chart the control-plane chart of the request, beside which the agent charts are by default
 * @param meshctlPath the meshctl binary (meshctl registration only)
 */
public record ReRegisterInput(
    String managementContext,
    String namespace,
    String cluster,
    String remoteContext,
    String remoteNamespace,
    String clusterDomain,
    RegistrationMethod method,
    String targetVersion,
    InstallMethod agentInstallMethod,
    String agentCharts,
    String chart,
    String meshctlPath) {}
