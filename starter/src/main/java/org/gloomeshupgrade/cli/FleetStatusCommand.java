package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.temporal.client.WorkflowClient;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.gloomeshupgrade.fleet.GlooMeshFleetWorkflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a fleet: its state and wave, what it waits for with the command that answers, the halts "
          + "and their answers, and a row per wave and plane.",
      "A running plane's step is asked of the plane's own run; ? when it cannot be."
    })
final class FleetStatusCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin FleetSelector fleet;

  @Option(names = "--json", description = "Print the fleet's status query's JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try {
      WorkflowClient client = temporal.client();
      if (json) {
        FleetRun run = fleet.latest(client, temporal.namespace());
        System.out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(
                    client
                        .newWorkflowStub(
                            GlooMeshFleetWorkflow.class,
                            fleet.workflowId(),
                            Optional.of(run.runId()))
                        .status()));
        return 0;
      }
      FleetView view = FleetView.read(client, fleet, temporal.namespace());
      System.out.println("workflow " + fleet.workflowId());
      System.out.println(FleetStatusRenderer.render(view));
      return 0;
    } finally {
      temporal.close();
    }
  }
}
