package org.gloomeshupgrade.cli;

import org.gloomeshupgrade.demo.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gmu}: start, watch and steer Gloo Mesh upgrades. */
@Command(
    name = "gmu",
    mixinStandardHelpOptions = true,
    version = "gloo-mesh-upgrade 0.1.0",
    description = "Start, follow and steer Gloo Mesh management-plane upgrades run by Temporal.",
    subcommands = {
      StartCommand.class,
      ResumeCommand.class,
      StatusCommand.class,
      WatchCommand.class,
      HistoryCommand.class,
      ReplayCommand.class,
      ApproveCommand.class,
      RejectCommand.class,
      DecideCommand.class,
      BackupsCommand.class,
      RestoreCommand.class,
      NotifyTestCommand.class,
      FleetCommand.class,
      DemoCommand.class
    })
public final class GmuCli {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with readable errors instead of stack traces. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new GmuCli());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + CliErrors.describe(e));
          return 1;
        });
    return cli;
  }
}
