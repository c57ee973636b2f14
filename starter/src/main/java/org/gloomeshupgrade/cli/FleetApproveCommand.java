package org.gloomeshupgrade.cli;

import io.temporal.client.WorkflowClient;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.gloomeshupgrade.fleet.GlooMeshFleetWorkflow;
import org.gloomeshupgrade.fleet.WaveApproval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    description = {
      "Approve a wave (a fleet with approval per-wave): the fleet answers each of the wave's planes' "
          + "approval gate, now or when the plane reaches it, under each plane's approver rules.",
      "An update: the fleet says yes, or no and why."
    })
final class FleetApproveCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin FleetSelector fleet;
  @Mixin WhoAndWhy answer;

  @Option(names = "--wave", required = true, description = "The wave approved, by its name.")
  String wave;

  @Override
  public Integer call() {
    try {
      WorkflowClient client = temporal.client();
      FleetRun run = fleet.running(client, temporal.namespace());
      // A refusal by the fleet's validator reaches the error handler, which prints its reason.
      System.out.println(
          client
              .newWorkflowStub(
                  GlooMeshFleetWorkflow.class, fleet.workflowId(), Optional.of(run.runId()))
              .approveWave(new WaveApproval(wave, answer.by, answer.reason)));
      return 0;
    } finally {
      temporal.close();
    }
  }
}
