package org.gloomeshupgrade.cli;

import java.util.concurrent.Callable;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import picocli.CommandLine.Mixin;

/**
 * Approve and reject: the same answer to the same gate, by update (immediate yes or no) or signal.
 */
abstract class ApprovalAnswer implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;
  @Mixin ApprovalOptions answer;

  abstract String bySignal(GlooMeshUpgradeWorkflow wf, Approval approval);

  abstract String byUpdate(GlooMeshUpgradeWorkflow wf, Approval approval);

  @Override
  public Integer call() {
    try {
      GlooMeshUpgradeWorkflow wf =
          temporal.client().newWorkflowStub(GlooMeshUpgradeWorkflow.class, run.workflowId());
      Approval approval = answer.approval(wf);
      System.out.println(answer.signal ? bySignal(wf, approval) : byUpdate(wf, approval));
      return 0;
    } finally {
      temporal.close();
    }
  }
}
