package org.gloomeshupgrade.cli;

import java.util.concurrent.Callable;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;
import picocli.CommandLine.Mixin;

/**
 * Approve and reject: the same answer to the same gate, by update (immediate yes or no) or signal,
 * of an upgrade or of a restore (whose workflow IDs start with gloo-mesh-restore-).
 */
abstract class ApprovalAnswer implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;
  @Mixin ApprovalOptions answer;

  abstract String bySignal(GlooMeshUpgradeWorkflow wf, Approval approval);

  abstract String byUpdate(GlooMeshUpgradeWorkflow wf, Approval approval);

  abstract String bySignal(GlooMeshRestoreWorkflow wf, Approval approval);

  abstract String byUpdate(GlooMeshRestoreWorkflow wf, Approval approval);

  @Override
  public Integer call() {
    try {
      String id = run.workflowId();
      if (UpgradeNames.isRestoreWorkflowId(id)) {
        GlooMeshRestoreWorkflow restore =
            temporal.client().newWorkflowStub(GlooMeshRestoreWorkflow.class, id);
        Approval approval = answer.approval(() -> restore.status().gate());
        System.out.println(
            answer.signal ? bySignal(restore, approval) : byUpdate(restore, approval));
        return 0;
      }
      GlooMeshUpgradeWorkflow wf =
          temporal.client().newWorkflowStub(GlooMeshUpgradeWorkflow.class, id);
      Approval approval = answer.approval(() -> wf.status().gate());
      System.out.println(answer.signal ? bySignal(wf, approval) : byUpdate(wf, approval));
      return 0;
    } finally {
      temporal.close();
    }
  }
}
