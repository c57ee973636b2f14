package org.gloomeshupgrade.cli;

import picocli.CommandLine.Command;

/** {@code gmu fleet}: the commands of a fleet upgrade, several management planes in waves. */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    description = {
      "Upgrade several management planes to one version in waves, and follow and steer the fleet.",
      "Each plane is its own upgrade run (gloo-mesh-upgrade-<context>); the fleet is the workflow "
          + "gloo-mesh-fleet-<name>."
    },
    subcommands = {
      FleetStartCommand.class,
      FleetStatusCommand.class,
      FleetWatchCommand.class,
      FleetApproveCommand.class,
      FleetContinueCommand.class,
      FleetResumeCommand.class
    })
final class FleetCommand {}
