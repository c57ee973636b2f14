package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.gloomeshupgrade.testkit.AuditedAccess;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.DevServer;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.UpgradeRuns;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker jar as in a pod on the management cluster, on real API servers: no kubeconfig for that
 * cluster, only the pod's service-account token and CA files and {@code KUBERNETES_SERVICE_*}, and
 * a kubeconfig (as from a mounted Secret) for the remote cluster. The default request (a Helm
 * release upgraded with helm, native registration) runs to green, and every request to the
 * management cluster came from the pod's service account.
 */
class InClusterWorkerIT {
  private static final String NAMESPACE = "gloo-mesh-upgrade";
  private static final String ACCOUNT = "gloo-mesh-upgrade-worker";
  private static final String WORKER_USER = "system:serviceaccount:" + NAMESPACE + ":" + ACCOUNT;

  @TempDir static Path dir;

  private static DevServer temporal;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    temporal = new DevServer(dir).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
  }

  @Test
  void aWorkerInAPodReachesItsOwnClusterByItsServiceAccountAndTheRemoteByTheKubeconfig()
      throws Exception {
    Path log = Files.createTempFile(dir, "worker", ".log");
    try (SimulatedGlooMesh sim =
        SimulatedGlooMesh.builder()
            .backend(ClusterBackend.API_SERVER)
            .remoteClusters("cluster-1")
            .discoveryDelay(Duration.ofMillis(300))
            .installedWithHelm()
            .build()) {
      ShippedRbac.install(
          sim.client("mgmt"), DeployRbacTest.RBAC.resolve("management-cluster.yaml"), rule -> true);
      ShippedRbac.install(
          sim.client("cluster-1"),
          DeployRbacTest.RBAC.resolve("remote-cluster.yaml"),
          rule -> true);
      Map<String, String> pod = new HashMap<>(sim.podEnvironment(NAMESPACE, ACCOUNT, "mgmt"));
      pod.put("TEMPORAL_ADDRESS", temporal.address());
      pod.put("GMU_IN_CLUSTER_CONTEXT", "mgmt");
      Path remotes = sim.serviceAccountKubeconfig(NAMESPACE, ACCOUNT, List.of("cluster-1"));
      assertThat(Files.readString(remotes)).doesNotContain("name: mgmt");

      UpgradeReport report;
      try (WorkerProcess worker =
          WorkerProcess.run(
              pod,
              List.of(
                  "--kubeconfig",
                  remotes.toString(),
                  "--trusted-sources",
                  WorkerProcess.trustedSources(sim, log).toString()),
              log)) {
        report = upgrade(sim);
        assertThat(worker.process().isAlive()).as("log:%n%s", Files.readString(log)).isTrue();
      }

      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
      assertThat(Files.readString(log))
          .contains("contexts [cluster-1, mgmt]")
          .contains("mgmt is this pod's cluster, by its service account");
      // The pod's account is the worker's only credential for mgmt: what it did, it did so.
      List<AuditedAccess> byWorker =
          sim.auditedAccesses("mgmt").stream().filter(a -> a.user().equals(WORKER_USER)).toList();
      assertThat(byWorker)
          .as("the scale-downs and scale-ups")
          .anySatisfy(
              a -> {
                assertThat(a.resource()).startsWith("deployments");
                assertThat(a.verb()).isIn("patch", "update");
              });
      assertThat(byWorker)
          .as("helm, through the kubeconfig naming the token file, upgraded the release")
          .anySatisfy(
              a -> {
                assertThat(a.resource()).isEqualTo("secrets");
                assertThat(a.verb()).isEqualTo("create");
              });
      assertThat(sim.auditedAccesses("cluster-1"))
          .anySatisfy(a -> assertThat(a.user()).isEqualTo(WORKER_USER));
    }
  }

  private static UpgradeReport upgrade(SimulatedGlooMesh sim) throws TimeoutException {
    GlooMeshUpgradeWorkflow wf =
        UpgradeRuns.start(
            temporal.client(),
            UpgradeNames.workflowId("mgmt"),
            sim.quickUpgradeRequest("0.11.3").put("requireApproval", false));
    return WorkflowStub.fromTyped(wf).getResult(5, TimeUnit.MINUTES, UpgradeReport.class);
  }
}
