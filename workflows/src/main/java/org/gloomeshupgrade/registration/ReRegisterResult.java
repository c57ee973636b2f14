package org.gloomeshupgrade.registration;

import java.util.List;

/**
 * @param created objects that did not exist, as "Kind namespace/name@cluster"
 * @param updated objects that existed and were brought up to date
 * @param apiServer the remote API server address written into the kubeconfig Secret
 * @param method how the cluster was registered: "native" or "meshctl" (null in results recorded
 *     before)
 * @param agentReleases what happened to each agent chart, as "release chart-version
 *     outcome@cluster"; empty when the agents were left alone
 * @param detail what a person should know beyond the lists: why the agents were left alone, or
 *     meshctl's output tail
 */
public record ReRegisterResult(
    String cluster,
    List<String> created,
    List<String> updated,
    String apiServer,
    String method,
    List<String> agentReleases,
    String detail) {

  public ReRegisterResult {
    agentReleases = agentReleases == null ? List.of() : List.copyOf(agentReleases);
  }
}
