package org.gloomeshupgrade.cli;

import java.util.concurrent.Callable;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepDecision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "decide",
    mixinStandardHelpOptions = true,
    description = {
      "Choose what happens to a failed step: RETRY, SKIP (with a reason), ROLLBACK (with a reason: the "
          + "configuration from the backup, then discovery and networking at their original replica counts) or ABORT.",
      "For conformance problems (step PREFLIGHT or CONFORMANCE): fix the resources and RETRY to re-check them, or "
          + "ACCEPT them with a reason; who and why are recorded.",
      "SKIP and ACCEPT go past a failed check, and ROLLBACK scales networking back up without the approval, so "
          + "they follow the approval rules: only one of the request's approvers, and not its requester unless it "
          + "allows self-approval. RETRY and ABORT are open to anyone."
    })
final class DecideCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;

  @Option(
      names = "--step",
      required = true,
      description = "The failed step: ${COMPLETION-CANDIDATES}.")
  Step step;

  @Option(names = "--decision", required = true, description = "${COMPLETION-CANDIDATES}")
  Decision decision;

  @Option(
      names = "--by",
      defaultValue = "${sys:user.name}",
      description = "Who (default: your user name).")
  String by;

  @Option(names = "--reason", defaultValue = "", description = "Why; required for all but RETRY.")
  String reason;

  @Option(names = "--signal", description = "Send a signal (no answer) instead of an update.")
  boolean signal;

  @Option(
      names = "--gate",
      description = "The gate answered, as the status shows it (default: the gate open now).")
  String gate;

  @Override
  public Integer call() {
    try {
      GlooMeshUpgradeWorkflow wf =
          temporal.client().newWorkflowStub(GlooMeshUpgradeWorkflow.class, run.workflowId());
      StepDecision d =
          new StepDecision(step, decision, by, reason, gate != null ? gate : wf.status().gate());
      if (signal) {
        wf.decide(d);
        System.out.println("decide signal sent; check with gmu status");
      } else {
        System.out.println(wf.decideNow(d));
      }
      return 0;
    } finally {
      temporal.close();
    }
  }
}
