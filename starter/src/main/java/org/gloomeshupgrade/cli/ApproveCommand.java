package org.gloomeshupgrade.cli;

import java.util.concurrent.Callable;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "approve", mixinStandardHelpOptions = true,
    description = "Approve scaling networking back up (step 9).")
final class ApproveCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;
  @Mixin ApprovalOptions answer;

  @Override
  public Integer call() {
    try {
      GlooMeshUpgradeWorkflow wf = temporal.client().newWorkflowStub(GlooMeshUpgradeWorkflow.class, run.workflowId());
      if (answer.signal) {
        wf.approve(answer.approval());
        System.out.println("approve signal sent; check with gmu status");
      } else {
        System.out.println(wf.approveNow(answer.approval()));
      }
      return 0;
    } finally {
      temporal.close();
    }
  }
}
