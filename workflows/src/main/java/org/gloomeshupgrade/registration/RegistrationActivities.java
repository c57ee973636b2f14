package org.gloomeshupgrade.registration;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Step 7: re-register a cluster with the same name and context, as an upsert. */
@ActivityInterface
public interface RegistrationActivities {
  /**
   * On the remote cluster: namespace, ServiceAccount, ClusterRole, ClusterRoleBinding and token
   * Secret. On the management cluster: the kubeconfig Secret and the KubernetesCluster. The token
   * is read and written inside this call and never leaves it.
   */
  @ActivityMethod(name = "ReRegisterCluster")
  ReRegisterResult reRegister(ReRegisterInput input);
}
