package org.gloomeshupgrade.cli;

import java.util.function.Supplier;
import org.gloomeshupgrade.workflow.Approval;
import picocli.CommandLine.Option;

/** Who answers, and why; recorded in the workflow's history and status. */
final class ApprovalOptions {
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

  @Option(
      names = "--signal",
      description = "Send a signal (no answer) instead of an update (immediate yes or no).")
  boolean signal;

  @Option(
      names = "--gate",
      description = "The gate answered, as the status shows it (default: the gate open now).")
  String gate;

  /** The answer for {@code --gate}, else for the gate the run shows open as this command runs. */
  Approval approval(Supplier<String> openGate) {
    return new Approval(by, reason, gate != null ? gate : openGate.get());
  }
}
