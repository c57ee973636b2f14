package org.gloomeshupgrade.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient
class MeshctlRunnerTest {
  KubernetesClient client;

  @TempDir Path tmp;

  @ActivityInterface
  public interface LongRun {
    @ActivityMethod
    int run(String pidFile);
  }

  @Test
  void aCancelledActivityStopsTheMeshctlItStarted() throws Exception {
    KubernetesClients clients = MockKubeconfig.context("mgmt", client).clients(tmp);
    MeshctlRunner runner = new MeshctlRunner(clients, "", Duration.ofMinutes(1));
    Path pidFile = tmp.resolve("pid");
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      // A stand-in for a meshctl that hangs: the shell becomes a long sleep.
      env.registerActivitiesImplementations(
          (LongRun)
              file ->
                  runner
                      .run(
                          List.of("/bin/sh", "-c", "echo $$ > " + file + "; exec sleep 120"),
                          Duration.ofMinutes(5),
                          line -> {})
                      .exitCode());
      LongRun activity =
          env.newActivityStub(
              LongRun.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(10))
                  .setHeartbeatTimeout(Duration.ofSeconds(10))
                  .build());
      CompletableFuture<Integer> running =
          CompletableFuture.supplyAsync(() -> activity.run(pidFile.toString()));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      assertThat(ProcessHandle.of(pid)).as("meshctl running").isPresent();

      env.requestCancelActivity();

      await().atMost(Duration.ofSeconds(15)).until(running::isDone);
      assertThat(running).isCompletedExceptionally();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    } finally {
      env.close();
      clients.close();
    }
  }
}
