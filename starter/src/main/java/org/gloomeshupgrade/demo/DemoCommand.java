package org.gloomeshupgrade.demo;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.gloomeshupgrade.cli.StatusRenderer;
import org.gloomeshupgrade.testkit.LocalTemporalServer;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.worker.UpgradeWorker;
import org.gloomeshupgrade.worker.WorkerSettings;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.StepStatus;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A full upgrade on this machine: Temporal's test server, simulated Gloo Mesh clusters and the real
 * worker with the real activities, all in this process.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a full upgrade locally: Temporal test server on 127.0.0.1, simulated clusters, the worker.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--from", defaultValue = "0.10.10", description = "Running version (default ${DEFAULT-VALUE}).")
  String from;

  @Option(names = "--to", defaultValue = "0.11.3", description = "Target version (default ${DEFAULT-VALUE}).")
  String to;

  @Option(names = "--remote-clusters", defaultValue = "2", description = "Simulated remote clusters (default ${DEFAULT-VALUE}).")
  int remoteClusters;

  @Option(names = "--port", defaultValue = "7233", description = "Port of the local Temporal server (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--auto-approve", description = "Approve scaling networking up without asking.")
  boolean autoApprove;

  @Option(names = "--verbose", description = "Show the worker's activity log lines too.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (verbose) {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.gloomeshupgrade")).setLevel(Level.INFO);
    }
    List<String> remotes = java.util.stream.IntStream.rangeClosed(1, remoteClusters)
        .mapToObj(i -> "cluster-" + i).toList();
    say("starting a local Temporal test server on 127.0.0.1:" + port);
    try (LocalTemporalServer temporal = LocalTemporalServer.start(port);
        SimulatedGlooMesh mesh = SimulatedGlooMesh.builder().managementCluster("mgmt")
            .remoteClusters(remotes.toArray(String[]::new)).glooMeshVersion(from).build()) {
      say("simulated Gloo Mesh " + from + ": management cluster mgmt, remote clusters " + remotes
          + " (kubeconfig " + mesh.kubeconfig() + ")");
      try (UpgradeWorker worker = UpgradeWorker.start(new WorkerSettings(temporal.address(), "default",
          UpgradeNames.TASK_QUEUE, mesh.kubeconfig(), "mgmt"))) {
        return run(temporal, mesh);
      }
    }
  }

  private int run(LocalTemporalServer temporal, SimulatedGlooMesh mesh) throws Exception {
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
    try {
      WorkflowClient client = WorkflowClient.newInstance(service,
          WorkflowClientOptions.newBuilder().setNamespace("default").build());
      String id = UpgradeNames.workflowId("mgmt");
      ObjectNode request = mesh.upgradeRequest(to)
          .put("discoveryPollInterval", "1s")
          .put("discoverySettleWindow", "5s")
          .put("discoveryTimeout", "2m")
          .put("networkingTimeout", "1m")
          .put("scaleTimeout", "1m");
      say("starting upgrade " + from + " -> " + to + " as workflow " + id + " with request " + request);
      say("from a second terminal:  ./gmu status -w " + id);
      GlooMeshUpgradeWorkflow wf = client.newWorkflowStub(GlooMeshUpgradeWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(UpgradeNames.TASK_QUEUE).build());
      WorkflowClient.start(wf::upgrade, request);
      watch(wf, id);
      try {
        UpgradeReport report = WorkflowStub.fromTyped(wf).getResult(UpgradeReport.class);
        say("");
        System.out.println(StatusRenderer.render(report));
        return report.outcome() == RunState.SUCCEEDED ? 0 : 1;
      } catch (WorkflowFailedException e) {
        Throwable cause = e.getCause();
        say("the upgrade failed: " + (cause instanceof ApplicationFailure af ? af.getOriginalMessage() : cause));
        System.out.println(StatusRenderer.render(wf.status()));
        return 1;
      }
    } finally {
      service.shutdown();
    }
  }

  /** Prints each step as it changes, and asks for approval when the run waits for it. */
  private void watch(GlooMeshUpgradeWorkflow wf, String id) throws Exception {
    UpgradeStatus last = null;
    CompletableFuture<String> answer = null;
    boolean askedApproval = false;
    boolean toldAttention = false;
    while (true) {
      UpgradeStatus now = wf.status();
      for (StepStatus step : now.steps()) {
        StepStatus before = last == null ? null : last.steps().get(step.step().ordinal());
        if (before == null ? step.state() != org.gloomeshupgrade.workflow.StepState.PENDING
            : before.state() != step.state() || !before.detail().equals(step.detail())) {
          System.out.println(StatusRenderer.stepLine(step));
        }
      }
      last = now;
      if (now.state().finished()) {
        return;
      }
      if (now.state() == RunState.NEEDS_ATTENTION && !toldAttention) {
        say("NEEDS ATTENTION: " + now.attention());
        say("answer with: ./gmu decide -w " + id + " --step " + now.currentStep()
            + " --decision RETRY|SKIP|ABORT --reason <why>");
        toldAttention = true;
      } else if (now.state() != RunState.NEEDS_ATTENTION) {
        toldAttention = false;
      }
      if (now.state() == RunState.WAITING_FOR_APPROVAL && !askedApproval) {
        askedApproval = true;
        if (autoApprove) {
          say(wf.approveNow(new Approval("demo", "--auto-approve")));
        } else {
          say("discovery has settled; networking is still at 0 replicas.");
          say("approve scaling networking up? [y/N] (or, from a second terminal: ./gmu "
              + "approve -w " + id + " --reason <why>)");
          answer = CompletableFuture.supplyAsync(DemoCommand::readLine);
        }
      }
      if (answer != null && answer.isDone() && now.state() == RunState.WAITING_FOR_APPROVAL) {
        String line = answer.getNow(null);
        answer = null;
        String by = System.getProperty("user.name", "demo");
        if (line == null) {
          say("no terminal input: approve from a second terminal, or run the demo with --auto-approve");
        } else if (line.trim().equalsIgnoreCase("y") || line.trim().equalsIgnoreCase("yes")) {
          say(wf.approveNow(new Approval(by, "approved at the demo prompt")));
        } else {
          say(wf.rejectNow(new Approval(by, "rejected at the demo prompt")));
        }
      }
      Thread.sleep(Duration.ofMillis(300).toMillis());
    }
  }

  private static String readLine() {
    try {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static void say(String line) {
    System.out.println("demo: " + line);
  }
}
