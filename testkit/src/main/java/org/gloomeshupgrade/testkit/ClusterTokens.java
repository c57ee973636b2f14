package org.gloomeshupgrade.testkit;

import java.util.Set;

/**
 * The bearer tokens one simulated cluster's real API server accepts, one per identity: the test
 * kit's admin, and Kubernetes' own components under the user names RBAC's built-in bindings expect,
 * so they run with the permissions they have in a real cluster.
 */
record ClusterTokens(String admin, String controllerManager, String scheduler, String kwok) {

  /** The user the admin token authenticates as; a member of system:masters. */
  static final String ADMIN_USER = "gmu-admin";

  static final String CONTROLLER_MANAGER_USER = "system:kube-controller-manager";
  static final String SCHEDULER_USER = "system:kube-scheduler";

  /** kwok plays every kubelet; a kubelet's node-scoped rights would not cover fake nodes. */
  static final String KWOK_USER = "gmu-kwok";

  /**
   * Where the controller manager's controllers run as their own service accounts ({@code
   * --use-service-account-credentials}), as kubeadm sets it up.
   */
  static final String CONTROLLER_ACCOUNT_PREFIX = "system:serviceaccount:kube-system:";

  private static final Set<String> COMPONENT_USERS =
      Set.of(CONTROLLER_MANAGER_USER, SCHEDULER_USER, KWOK_USER);

  static ClusterTokens create(String cluster) {
    return new ClusterTokens(
        SimulatedCluster.newToken(cluster),
        SimulatedCluster.newToken(cluster + "-controller-manager"),
        SimulatedCluster.newToken(cluster + "-scheduler"),
        SimulatedCluster.newToken(cluster + "-kwok"));
  }

  /** The API server's {@code --token-auth-file}: token, user, uid and groups per line. */
  String tokenFile() {
    return """
        %s,%s,%s,"system:masters"
        %s,%s,%s
        %s,%s,%s
        %s,%s,%s,"system:masters"
        """
        .formatted(
            admin,
            ADMIN_USER,
            ADMIN_USER,
            controllerManager,
            CONTROLLER_MANAGER_USER,
            CONTROLLER_MANAGER_USER,
            scheduler,
            SCHEDULER_USER,
            SCHEDULER_USER,
            kwok,
            KWOK_USER,
            KWOK_USER);
  }

  /**
   * True for a request of Kubernetes' own components: the controller manager (as itself or as one
   * of its controllers' service accounts), the scheduler, or kwok.
   */
  static boolean isComponent(String user, String userAgent) {
    if (user == null) {
      return false;
    }
    return COMPONENT_USERS.contains(user)
        || (user.startsWith(CONTROLLER_ACCOUNT_PREFIX)
            && userAgent != null
            && userAgent.startsWith("kube-controller-manager/"));
  }
}
