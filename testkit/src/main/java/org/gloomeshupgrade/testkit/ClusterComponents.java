package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' own components of one simulated cluster on the real backend: kube-controller-manager
 * (deployments, replica sets, garbage collection, namespaces, service accounts and their tokens),
 * kube-scheduler, and kwok, which plays the kubelets of the cluster's fake nodes, so pods bound to
 * them go Running and Ready as in a real cluster, only without containers.
 */
final class ClusterComponents implements AutoCloseable {

  /** The controllers the simulation needs; the rest of a real controller manager is left out. */
  static final List<String> CONTROLLERS =
      List.of(
          "deployment-controller",
          "replicaset-controller",
          "garbage-collector-controller",
          "namespace-controller",
          // Counts quotas: the API server enforces one only once it is counted (the pod hold).
          "resourcequota-controller",
          // Lifts the not-ready taint the API server puts on every new node, once kwok reports the
          // node Ready; without it nothing schedules.
          "node-lifecycle-controller",
          "serviceaccount-controller",
          "serviceaccount-token-controller",
          "root-ca-certificate-publisher-controller");

  /** The annotation kwok selects its nodes by, as in kwok's own examples. */
  static final String FAKE_NODE_ANNOTATION = "kwok.x-k8s.io/node";

  static final int NODES = 3;

  private final List<ServerProcess> processes;

  private ClusterComponents(List<ServerProcess> processes) {
    this.processes = processes;
  }

  /** Starts the three processes against the cluster's started API server. */
  static ClusterComponents start(
      String cluster,
      Path folder,
      String serverUrl,
      ClusterCertificates certificates,
      ClusterTokens tokens) {
    List<ServerProcess> started = new ArrayList<>();
    try {
      Path controllerManagerConfig =
          kubeconfig(
              folder,
              "kube-controller-manager",
              serverUrl,
              certificates,
              tokens.controllerManager());
      started.add(
          ServerProcess.start(
              "kube-controller-manager of " + cluster,
              List.of(
                  KubeServerBinaries.kubeControllerManager().toString(),
                  "--kubeconfig=" + controllerManagerConfig,
                  "--controllers=" + String.join(",", CONTROLLERS),
                  // Each controller as its own service account, as kubeadm runs it: the journal
                  // then says which controller made a pod.
                  "--use-service-account-credentials=true",
                  "--service-account-private-key-file=" + certificates.serviceAccountKey,
                  "--root-ca-file=" + certificates.caCertificate,
                  "--leader-elect=false",
                  "--secure-port=0",
                  "--v=1"),
              folder.resolve("kube-controller-manager.log")));
      Path schedulerConfig =
          kubeconfig(folder, "kube-scheduler", serverUrl, certificates, tokens.scheduler());
      started.add(
          ServerProcess.start(
              "kube-scheduler of " + cluster,
              List.of(
                  KubeServerBinaries.kubeScheduler().toString(),
                  "--kubeconfig=" + schedulerConfig,
                  "--leader-elect=false",
                  "--secure-port=0",
                  "--v=1"),
              folder.resolve("kube-scheduler.log")));
      Path kwokConfig = kubeconfig(folder, "kwok", serverUrl, certificates, tokens.kwok());
      started.add(
          ServerProcess.start(
              "kwok of " + cluster,
              List.of(
                  KubeServerBinaries.kwok().toString(),
                  "--kubeconfig=" + kwokConfig,
                  "--config=" + KubeServerBinaries.kwokStages(),
                  "--manage-all-nodes=false",
                  "--manage-nodes-with-annotation-selector=" + FAKE_NODE_ANNOTATION + "=fake",
                  "--node-lease-duration-seconds=40",
                  "--cidr=10.244.0.0/16",
                  "--node-ip=10.0.0.1"),
              folder.resolve("kwok.log")));
      return new ClusterComponents(started);
    } catch (RuntimeException e) {
      started.forEach(ServerProcess::close);
      throw e;
    }
  }

  /**
   * Registers the cluster's fake nodes: roomy and untainted, so every pod the Gloo Mesh charts make
   * fits; kwok then reports them Ready and keeps their leases.
   */
  static void createNodes(KubernetesClient client, String cluster) {
    for (int i = 1; i <= NODES; i++) {
      String name = "%s-node-%d".formatted(cluster, i);
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withAnnotations(Map.of(FAKE_NODE_ANNOTATION, "fake"))
                  .withLabels(
                      Map.of(
                          "kubernetes.io/hostname", name,
                          "kubernetes.io/os", "linux",
                          "kubernetes.io/arch", "amd64",
                          "type", "kwok"))
                  .endMetadata()
                  .withNewStatus()
                  .withAllocatable(capacity())
                  .withCapacity(capacity())
                  .endStatus()
                  .build())
          .create();
    }
  }

  private static Map<String, Quantity> capacity() {
    return Map.of(
        "cpu", new Quantity("32"), "memory", new Quantity("256Gi"), "pods", new Quantity("110"));
  }

  /** Fails with the end of its log if one of the processes has exited. */
  void requireAlive() {
    processes.forEach(ServerProcess::requireAlive);
  }

  /** The end of each component's log, for failure messages. */
  String logTails() {
    StringBuilder tails = new StringBuilder();
    for (ServerProcess process : processes) {
      tails.append("%n--- %s:%n%s%n".formatted(process.name(), process.tail()));
    }
    return tails.toString();
  }

  @Override
  public void close() {
    // The kubelets first, then the scheduler, then the controllers, as a cluster shuts down.
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }

  private static Path kubeconfig(
      Path folder,
      String component,
      String serverUrl,
      ClusterCertificates certificates,
      String token) {
    Path file = folder.resolve(component + ".kubeconfig");
    String yaml =
        KubeconfigYaml.of(
            List.of(new KubeconfigYaml.Entry(component, serverUrl, token)), certificates.caPem);
    try {
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
