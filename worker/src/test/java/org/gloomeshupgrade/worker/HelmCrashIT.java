package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.RequestJournal;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Step 5 with {@code helm} on real API servers and Kubernetes' own controllers, the worker process
 * SIGKILLed the moment Helm writes the release's new revision: the next worker finds the pending
 * revision the killed attempt left, recovers it and upgrades again; no networking pod is created
 * before the approval; the rollback command names the revision from before the run.
 */
class HelmCrashIT {
  private static final String NS = "gloo-mesh";

  @TempDir Path dir;

  @Test
  void aWorkerKilledWhenHelmWritesTheNewRevisionIsReplacedAndTheReleaseRecovered()
      throws Exception {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    try (CliUpgrade run = new CliUpgrade(dir)) {
      SimulatedGlooMesh sim =
          run.simulate(
              SimulatedGlooMesh.builder()
                  .backend(ClusterBackend.API_SERVER)
                  .installedWithHelm()
                  .managementCluster("mgmt")
                  .remoteClusters("cluster-1")
                  .glooMeshVersion("0.10.10")
                  .discoveryDelay(Duration.ofMillis(300)));
      KubernetesClient mgmt = sim.client("mgmt");
      try {
        WorkerProcess first = run.startWorker();
        CountDownLatch killed = new CountDownLatch(1);
        AtomicReference<Instant> killedAt = new AtomicReference<>();
        try (Watch watch =
            mgmt.secrets()
                .inNamespace(NS)
                .withLabels(HelmRevisions.LABELS)
                .watch(
                    new Watcher<Secret>() {
                      @Override
                      public void eventReceived(Action action, Secret secret) {
                        if (action == Action.ADDED
                            && "2".equals(secret.getMetadata().getLabels().get("version"))) {
                          try {
                            killedAt.set(Instant.now());
                            first.kill();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          killed.countDown();
                        }
                      }

                      @Override
                      public void onClose(WatcherException cause) {}
                    })) {
          run.start();
          assertThat(killed.await(3, TimeUnit.MINUTES))
              .as("Helm wrote revision 2 and the worker was killed")
              .isTrue();
        }
        assertThat(HelmRevisions.of(mgmt))
            .as("what the killed attempt left")
            .containsEntry(2, "pending-upgrade");

        try (WorkerProcess second = run.startWorker();
            ActivityAttempts upgrade =
                new ActivityAttempts(run.temporal.address(), "UpgradeControlPlane")) {
          System.out.printf(
              "helm control plane killed at Helm's write: retried %.1f s after the kill%n",
              upgrade.awaitRetry(killedAt.get()).toMillis() / 1000.0);
          run.awaitState("WAITING_FOR_APPROVAL");
          assertThat(mgmt.pods().inNamespace(NS).withLabel("app", "networking").list().getItems())
              .as("networking pods at the approval gate")
              .isEmpty();
          String result = run.approveAndAwaitResult();

          assertThat(result)
              .contains("SUCCEEDED")
              .contains("release gloo-mesh/gloo-mesh revision 1 to 2")
              .contains("to undo: helm rollback gloo-mesh 1 -n gloo-mesh");
          assertThat(HelmRevisions.of(mgmt))
              .containsEntry(1, "superseded")
              .containsEntry(2, "deployed")
              .hasSize(2);
          RequestJournal journal = sim.journal("mgmt");
          PodCreations.assertNoneFromTheScaleDownUntilTheApproval(
              journal, "networking", run.approvalAt());
          run.assertConfigurationUnchanged();
          assertThat(run.history()).as("the killed attempt was retried").contains("\"attempt\": 2");
        }
      } catch (AssertionError | Exception e) {
        throw run.withLogs(e);
      }
    }
  }
}
