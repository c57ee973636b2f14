package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordingFile;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.LocalTemporalServer;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.testkit.WorkerProcess;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.Test;

/**
 * The packaged worker jar, as its own process, runs an upgrade, answers {@code jcmd} (a thread
 * dump, a flight recording) and {@code kill -3} with a thread dump, and stops cleanly on SIGTERM
 * (after rendering a chart with Helm, whose Go runtime would otherwise swallow all three signals).
 */
class WorkerProcessIT {

  @Test
  void theWorkerJarRunsAnUpgradeTakesThreadDumpsAndShutsDownGracefullyOnSigterm() throws Exception {
    assertThat(WorkerProcess.JAR).as("built by mvn package").exists();
    Path log = Files.createTempFile("worker-process-it", ".log");
    try (SimulatedGlooMesh sim =
            SimulatedGlooMesh.builder()
                .deploymentDelay(Duration.ofMillis(100))
                .discoveryDelay(Duration.ofMillis(300))
                .build();
        LocalTemporalServer temporal = LocalTemporalServer.start(0)) {
      ConfigurationSnapshot configurationBefore = ConfigurationSnapshot.capture(sim.client("mgmt"));
      Process worker =
          new ProcessBuilder(
                  List.of(
                      WorkerProcess.javaBinary(),
                      "-jar",
                      WorkerProcess.JAR.toString(),
                      "--temporal-address",
                      temporal.address(),
                      "--kubeconfig",
                      sim.kubeconfig().toString(),
                      "--context",
                      "mgmt",
                      "--trusted-sources",
                      WorkerProcess.trustedSources(sim, log).toString()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
      try {
        WorkflowClient client =
            WorkflowClient.newInstance(
                service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
        ObjectNode request = sim.quickUpgradeRequest("0.11.3").put("requireApproval", false);
        GlooMeshUpgradeWorkflow wf =
            client.newWorkflowStub(
                GlooMeshUpgradeWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(UpgradeNames.workflowId("mgmt"))
                    .setTaskQueue(UpgradeNames.TASK_QUEUE)
                    .build());
        WorkflowClient.start(wf::upgrade, request);

        UpgradeReport report =
            WorkflowStub.fromTyped(wf).getResult(120, TimeUnit.SECONDS, UpgradeReport.class);

        assertThat(report.outcome()).as(Files.readString(log)).isEqualTo(RunState.SUCCEEDED);
        assertThat(Files.readString(log))
            .contains("worker: polling task queue gloo-mesh-upgrade")
            .contains("worker: requests may use charts [%s]".formatted(sim.sourcesFolder()))
            .contains("scale: cluster=mgmt deployment=gloo-mesh/networking replicas 1 -> 0");
        ConfigurationSnapshot.assertUnchanged(
            configurationBefore, ConfigurationSnapshot.capture(sim.client("mgmt")));

        // Helm has rendered charts in this JVM by now; an operator can still look inside it.
        assertThat(jcmd(worker, "Thread.print"))
            .contains("Full thread dump")
            .contains("taskQueue=\"gloo-mesh-upgrade\"");
        Path recording = log.resolveSibling("worker-%d.jfr".formatted(worker.pid()));
        jcmd(worker, "JFR.start", "name=gmu");
        jcmd(worker, "JFR.dump", "name=gmu", "filename=" + recording);
        jcmd(worker, "JFR.stop", "name=gmu");
        assertThat(RecordingFile.readAllEvents(recording))
            .as("a flight recording of the worker")
            .anySatisfy(
                e -> {
                  assertThat(e.getEventType().getName()).isEqualTo("jdk.JVMInformation");
                  assertThat(e.getString("javaArguments")).contains("gloo-mesh-upgrade-worker");
                });
        Files.deleteIfExists(recording);
        signal(worker, "QUIT");
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(Files.readString(log)).contains("Full thread dump"));
      } finally {
        service.shutdown();
        worker.destroy();
      }
      boolean stopped = worker.waitFor(45, TimeUnit.SECONDS);
      if (!stopped) {
        worker.destroyForcibly();
      }
      assertThat(stopped)
          .as("stopped within the grace period; log:%n%s", Files.readString(log))
          .isTrue();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(Files.readString(log))
                      .contains("worker: stopping")
                      .contains("worker: stopped"));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** {@code jcmd <pid> <command>} from the JDK running the tests, as an operator would. */
  private static String jcmd(Process target, String... command) throws Exception {
    Path jcmd = Path.of(WorkerProcess.javaBinary()).resolveSibling("jcmd");
    List<String> line = new ArrayList<>(List.of(jcmd.toString(), Long.toString(target.pid())));
    line.addAll(List.of(command));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("jcmd ended").isTrue();
    assertThat(p.exitValue()).as("jcmd %s: %s", String.join(" ", command), out).isZero();
    return out;
  }

  private static void signal(Process target, String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(target.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).isTrue();
  }
}
