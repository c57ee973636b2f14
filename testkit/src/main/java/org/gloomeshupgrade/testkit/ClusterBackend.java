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
   * and permissions. Its journal is read from the API server's audit log; faults and the simulated
   * authorizer are not available. Needs the binaries of {@code scripts/install-kube-servers.sh},
   * see {@link KubeServerBinaries}.
   */
  API_SERVER
}
