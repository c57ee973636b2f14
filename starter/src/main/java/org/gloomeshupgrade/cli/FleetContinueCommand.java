package org.gloomeshupgrade.cli;

import io.temporal.client.WorkflowClient;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.gloomeshupgrade.fleet.FleetAction;
import org.gloomeshupgrade.fleet.FleetAnswer;
import org.gloomeshupgrade.fleet.GlooMeshFleetWorkflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "continue",
    mixinStandardHelpOptions = true,
    description = {
      "Answer a halted fleet: CONTINUE past the problems that halted it (under the wave's planes' "
          + "approver rules), RECHECK them (the halt ends by itself once all is well), or STOP the "
          + "fleet (the planes already upgraded stay upgraded).",
      "An update: the fleet says yes, or no and why."
    })
final class FleetContinueCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin FleetSelector fleet;
  @Mixin WhoAndWhy answer;

  @Option(names = "--action", required = true, description = "CONTINUE, RECHECK or STOP.")
  FleetAction action;

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
              .continueFleet(new FleetAnswer(action, answer.by, answer.reason)));
      System.out.println("follow it:  gmu fleet watch --fleet " + fleet.name());
      return 0;
    } finally {
      temporal.close();
    }
  }
}
