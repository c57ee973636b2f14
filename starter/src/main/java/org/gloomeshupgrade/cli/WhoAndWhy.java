package org.gloomeshupgrade.cli;

import picocli.CommandLine.Option;

/** Who answers a fleet, and why; the fleet keeps both in its status. */
final class WhoAndWhy {
  @Option(
      names = "--by",
      defaultValue = "${sys:user.name}",
      description = "Who (default: your user name).")
  String by;

  @Option(
      names = "--reason",
      required = true,
      description = "Why, for the record (a change ticket, for example).")
  String reason;
}
