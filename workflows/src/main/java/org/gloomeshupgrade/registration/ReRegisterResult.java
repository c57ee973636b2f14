package org.gloomeshupgrade.registration;

import java.util.List;

/**
 * @param created objects that did not exist, as "Kind namespace/name@cluster"
 * @param updated objects that existed and were brought up to date
 * @param apiServer the remote API server address written into the kubeconfig Secret
 */
public record ReRegisterResult(String cluster, List<String> created, List<String> updated, String apiServer) {}
