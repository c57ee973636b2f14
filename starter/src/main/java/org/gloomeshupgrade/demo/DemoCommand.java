package org.gloomeshupgrade.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
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
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.gloomeshupgrade.backup.BackupActivitiesImpl;
import org.gloomeshupgrade.cli.StatusRenderer;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.worker.UpgradeWorker;
import org.gloomeshupgrade.worker.WorkerSettings;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.StepState;
import org.gloomeshupgrade.workflow.StepStatus;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradePlan;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A full upgrade on this machine: Temporal's test server, simulated Gloo Mesh clusters and the real
 * worker with the real activities, all in this process.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run a full upgrade locally: a Temporal server on 127.0.0.1 (the built-in test server, or the dev"
            + " server with its web UI), simulated clusters, the worker.")
public final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--from",
      defaultValue = "0.10.10",
      description = "Running version (default ${DEFAULT-VALUE}).")
  String from;

  @Option(
      names = "--to",
      defaultValue = "0.11.3",
      description = "Target version (default ${DEFAULT-VALUE}).")
  String to;

  @Option(
      names = "--remote-clusters",
      defaultValue = "2",
      description = "Simulated remote clusters (default ${DEFAULT-VALUE}).")
  int remoteClusters;

  @Option(
      names = "--port",
      defaultValue = "7233",
      description = "Port of the local Temporal server (default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--dev-server",
      description =
          "Run Temporal's dev server (the `temporal` CLI, from the PATH or"
              + " --temporal-cli) instead of the built-in test server, so the upgrade shows in the Temporal web UI.")
  boolean devServer;

  @Option(
      names = "--temporal-cli",
      description = "The `temporal` CLI for --dev-server (default: the one on the PATH).")
  Path temporalCli;

  @Option(
      names = "--ui-port",
      defaultValue = "8233",
      description = "Port of the web UI with --dev-server (default ${DEFAULT-VALUE}).")
  int uiPort;

  @Option(
      names = "--real-api-servers",
      description =
          "Simulate the clusters on real control planes: kube-apiserver and etcd, Kubernetes' own"
              + " controller manager and scheduler, and kwok's fake nodes (built by"
              + " scripts/install-kube-servers.sh), instead of in-memory mock servers.")
  boolean realApiServers;

  @Option(names = "--auto-approve", description = "Approve scaling networking up without asking.")
  boolean autoApprove;

  @Option(names = "--verbose", description = "Show the worker's activity log lines too.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (verbose) {
      ((Logger) LoggerFactory.getLogger("org.gloomeshupgrade")).setLevel(Level.INFO);
    }
    List<String> remotes =
        IntStream.rangeClosed(1, remoteClusters).mapToObj(i -> "cluster-" + i).toList();
    Optional<Path> cli = devServer ? Optional.of(temporalCli()) : Optional.empty();
    if (cli.isEmpty() && onPath("temporal").isPresent()) {
      say(
          "the temporal CLI is on the PATH: add --dev-server to watch this upgrade in the Temporal web UI");
    }
    say(
        "starting a local Temporal "
            + (cli.isPresent() ? "dev server (" + cli.get() + ")" : "test server")
            + " on 127.0.0.1:"
            + port);
    ClusterBackend backend = realApiServers ? ClusterBackend.API_SERVER : ClusterBackend.MOCK;
    if (realApiServers && KubeServerBinaries.missing().isPresent()) {
      say(KubeServerBinaries.missing().get());
      return 2;
    }
    try (DemoTemporal temporal =
            cli.isPresent()
                ? DemoTemporal.devServer(cli.get(), port, uiPort)
                : DemoTemporal.testServer(port);
        SimulatedGlooMesh mesh =
            SimulatedGlooMesh.builder()
                .backend(backend)
                .managementCluster("mgmt")
                .remoteClusters(remotes.toArray(String[]::new))
                .glooMeshVersion(from)
                .build()) {
      temporal.uiUrl().ifPresent(ui -> say("Temporal web UI: " + ui));
      say(
          "simulated Gloo Mesh "
              + from
              + " on "
              + (realApiServers ? "real kube-apiservers" : "mock API servers")
              + ": management cluster mgmt, remote clusters "
              + remotes
              + " (kubeconfig "
              + mesh.kubeconfig()
              + ")");
      try (UpgradeWorker worker =
          UpgradeWorker.start(
              new WorkerSettings(
                  temporal.address(),
                  "default",
                  UpgradeNames.TASK_QUEUE,
                  mesh.kubeconfig(),
                  "mgmt",
                  null,
                  BackupActivitiesImpl.DEFAULT_KEEP,
                  // The simulator's charts are local, as an air-gapped site's mirror would be.
                  TrustedSources.defaults().withFolder(mesh.sourcesFolder())))) {
        return run(temporal, mesh);
      }
    }
  }

  private int run(DemoTemporal temporal, SimulatedGlooMesh mesh) throws Exception {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
    try {
      WorkflowClient client =
          WorkflowClient.newInstance(
              service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
      String id = UpgradeNames.workflowId("mgmt");
      ObjectNode request =
          mesh.upgradeRequest(to)
              .put("discoveryPollInterval", "1s")
              .put("discoverySettleWindow", "5s")
              .put("discoveryTimeout", "2m")
              .put("networkingTimeout", "1m")
              .put("scaleTimeout", "1m");
      say(
          "starting upgrade "
              + from
              + " -> "
              + to
              + " as workflow "
              + id
              + " with request "
              + request);
      say("from a second terminal:  ./gmu status -w " + id);
      GlooMeshUpgradeWorkflow wf =
          client.newWorkflowStub(
              GlooMeshUpgradeWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(UpgradeNames.TASK_QUEUE)
                  .setStaticSummary(
                      UpgradePlan.summary(
                          UpgradeRequestParser.parse(request), mesh.managementCluster()))
                  .setStaticDetails(
                      UpgradePlan.markdown(
                          UpgradeRequestParser.parse(request), mesh.managementCluster()))
                  .build());
      WorkflowClient.start(wf::upgrade, request);
      watch(wf, id);
      try {
        UpgradeReport report = WorkflowStub.fromTyped(wf).getResult(UpgradeReport.class);
        say("");
        System.out.println(StatusRenderer.render(report));
        return report.outcome() == RunState.SUCCEEDED ? 0 : 1;
      } catch (WorkflowFailedException e) {
        Throwable cause = e.getCause();
        say(
            "the upgrade failed: "
                + (cause instanceof ApplicationFailure af ? af.getOriginalMessage() : cause));
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
        if (before == null
            ? step.state() != StepState.PENDING
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
        say(
            "answer with: ./gmu decide -w "
                + id
                + " --step "
                + now.currentStep()
                + " --decision RETRY|SKIP|ABORT --reason <why>");
        toldAttention = true;
      } else if (now.state() != RunState.NEEDS_ATTENTION) {
        toldAttention = false;
      }
      if (now.state() == RunState.WAITING_FOR_APPROVAL && !askedApproval) {
        askedApproval = true;
        if (autoApprove) {
          say(wf.approveNow(new Approval("demo", "--auto-approve", now.gate())));
        } else {
          say("discovery has settled; networking is still at 0 replicas.");
          say(
              "approve scaling networking up? [y/N] (or, from a second terminal: ./gmu "
                  + "approve -w "
                  + id
                  + " --reason <why>)");
          answer = CompletableFuture.supplyAsync(DemoCommand::readLine);
        }
      }
      if (answer != null && answer.isDone() && now.state() == RunState.WAITING_FOR_APPROVAL) {
        String line = answer.getNow(null);
        answer = null;
        String by = System.getProperty("user.name", "demo");
        if (line == null) {
          say(
              "no terminal input: approve from a second terminal, or run the demo with --auto-approve");
        } else if (line.trim().equalsIgnoreCase("y") || line.trim().equalsIgnoreCase("yes")) {
          say(wf.approveNow(new Approval(by, "approved at the demo prompt", now.gate())));
        } else {
          say(wf.rejectNow(new Approval(by, "rejected at the demo prompt", now.gate())));
        }
      }
      Thread.sleep(Duration.ofMillis(300).toMillis());
    }
  }

  private Path temporalCli() {
    if (temporalCli != null) {
      if (!Files.isExecutable(temporalCli)) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--temporal-cli: " + temporalCli + " is not an executable");
      }
      return temporalCli;
    }
    return onPath("temporal")
        .orElseThrow(
            () ->
                new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--dev-server: no `temporal` on the PATH; install it with"
                        + " scripts/install-temporal-cli.sh and pass it with --temporal-cli"));
  }

  private static Optional<Path> onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, command);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static String readLine() {
    try {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          .readLine();
    } catch (IOException e) {
      return null;
    }
  }

  private static void say(String line) {
    System.out.println("demo: " + line);
  }
}
