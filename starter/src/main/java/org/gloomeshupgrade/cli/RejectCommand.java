package org.gloomeshupgrade.cli;

import java.util.concurrent.Callable;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "reject", mixinStandardHelpOptions = true,
    description = "Reject scaling networking back up: it stays at 0 and the run ends as REJECTED.")
final class RejectCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;
  @Mixin ApprovalOptions answer;

  @Override
  public Integer call() {
    try {
      GlooMeshUpgradeWorkflow wf = temporal.client().newWorkflowStub(GlooMeshUpgradeWorkflow.class, run.workflowId());
      if (answer.signal) {
        wf.reject(answer.approval());
        System.out.println("reject signal sent; check with gmu status");
      } else {
        System.out.println(wf.rejectNow(answer.approval()));
      }
      return 0;
    } finally {
      temporal.close();
    }
  }
}
