package org.gloomeshupgrade.testkit;

/** What serves each simulated cluster's Kubernetes API. */
public enum ClusterBackend {
  /**
   * fabric8's CRUD mock server inside the test JVM: starts in milliseconds, records every request
   * in a {@link RequestJournal}, injects faults and answers permission reviews through a {@link
   * SimulatedAuthorizer}.
   */
  MOCK,
  /**
   * A real {@code kube-apiserver} per cluster over one real {@code etcd}, on loopback, with
   * certificates made per run and RBAC authorization: real validation, defaulting, pruning, dry run
   * and permissions. Per cluster, Kubernetes' own {@code kube-controller-manager} (deployments,
   * replica sets, garbage collection, namespaces, service accounts and their tokens, node
   * lifecycle), {@code kube-scheduler}, and {@code kwok} playing the kubelets of three fake nodes:
   * pods are created, scheduled, go Ready and are deleted as in a real cluster, without containers.
   * Its journal is read from the API server's audit log and sees those components' pod creations;
   * faults need the fault proxy ({@link SimulatedGlooMesh.Builder#faultProxy()}), and the simulated
   * authorizer is not available. Needs what {@code scripts/install-kube-servers.sh} builds, see
   * {@link KubeServerBinaries}.
   */
  API_SERVER
}
