package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as Kubernetes sends when it evicts the worker's pod or rolls its Deployment: the worker
 * stops within the 30 s a pod gets, and the activity it was running goes to another worker at once,
 * not after the activity's timeout.
 */
class WorkerStopIT {
  /** What Kubernetes gives a pod between SIGTERM and SIGKILL, unless told otherwise. */
  private static final Duration POD_GRACE = Duration.ofSeconds(30);

  private static final String SCALE = "ScaleDeployment";

  @TempDir Path dir;

  @Test
  void aWorkerStoppedInALongActivityExitsInTimeAndAnotherWorkerCarriesTheRunToGreen()
      throws Exception {
    try (CliUpgrade run = new CliUpgrade(dir)) {
      // Pods take 30 s: the scale-down activity waits longer than the stop may take.
      SimulatedGlooMesh sim = run.simulate(Duration.ofSeconds(30));
      try {
        WorkerProcess first = run.startWorker();
        run.start(run.request().put("scaleTimeout", "120s"));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !sim.journal("mgmt").replicaChanges("networking").isEmpty());
        // The replacement, polling already, as in a rolling update.
        try (WorkerProcess second = run.startWorker()) {
          Instant stopped = Instant.now();
          Duration exit = first.terminate();

          assertThat(exit).as("the stopped worker exited").isNotNull();
          System.out.printf(
              "SIGTERM in the scale-down: the worker exited after %.1f s%n",
              exit.toMillis() / 1000.0);
          assertThat(exit).as("exit after SIGTERM").isLessThan(POD_GRACE);
          assertThat(Files.readString(run.workerLog()))
              .contains("handing it over to another worker")
              .contains("stopped (worker stopping)")
              .contains("worker: stopped");
          try (ActivityAttempts scale = new ActivityAttempts(run.temporal.address(), SCALE)) {
            System.out.printf(
                "the other worker retried the scale-down %.1f s after the SIGTERM%n",
                scale.awaitRetry(stopped).toMillis() / 1000.0);
          }

          run.awaitState("WAITING_FOR_APPROVAL");
          assertThat(run.approveAndAwaitResult()).contains("SUCCEEDED");
          run.assertNetworkingStayedAtZeroUntilApproved();
          run.assertConfigurationUnchanged();
          // Retried because the stopping worker failed the attempt, not because it timed out.
          assertThat(run.history())
              .contains("\"attempt\": 2")
              .contains("ActivityWorkerShutdownException");
        }
      } catch (AssertionError | Exception e) {
        throw run.withLogs(e);
      }
    }
  }
}
