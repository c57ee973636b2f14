package org.gloomeshupgrade.workflow;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import org.gloomeshupgrade.backup.RestoreInput;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.slf4j.Logger;

/**
 * A person's rollback after a failed step: the configuration back from the backup (when one was
 * taken), then discovery and networking at their original replica counts. The person's decision
 * stands for the approval networking otherwise waits for. The CRDs and the control plane stay; the
 * status names the command that undoes the control-plane step.
 */
final class Rollback {
  private static final Logger log = Workflow.getLogger(Rollback.class);

  private final UpgradeRun run;

  Rollback(UpgradeRun run) {
    this.run = run;
  }

  /**
   * Rolls back and returns what ends the run with its report; throws when the rollback cannot
   * finish.
   */
  RolledBack rollBack(Step step, StepDecision d) {
    UpgradeRequest request = run.request();
    String ctx = run.preflight().context();
    String by = "rollback by " + d.by();
    List<String> done = new ArrayList<>();
    log.info("{}: rollback chosen by {}", step.label(), d.by());
    try {
      if (run.book.backup() != null) {
        RestoreResult restored =
            run.about(by)
                .backup
                .restore(new RestoreInput(ctx, request.namespace(), run.backupId()));
        done.add(
            "configuration restored from the backup (%d recreated, %d put back, %d already as saved)"
                .formatted(restored.createdCount(), restored.updatedCount(), restored.unchanged()));
      }
      for (String deployment : run.deployments()) {
        int replicas = run.preflight().originalReplicas().getOrDefault(deployment, 1);
        done.add(
            Messages.describe(
                run.about(by).deployments.scale(run.scale(ctx, deployment, replicas))));
      }
    } catch (ActivityFailure e) {
      String msg =
          """
          the rollback chosen by %s at step %d failed: %s%s. Finish it by hand: gmu restore --backup %s \
          --reason <why>, then scale %s and %s to %s"""
              .formatted(
                  d.by(),
                  step.number(),
                  Messages.why(e),
                  done.isEmpty() ? "" : " (done before that: " + String.join("; ", done) + ")",
                  run.backupId(),
                  request.discoveryDeployment(),
                  request.networkingDeployment(),
                  run.preflight().originalReplicas());
      run.book.failed(step, msg);
      run.book.end(RunState.FAILED);
      throw ApplicationFailure.newNonRetryableFailure(msg, FailureTypes.ROLLBACK_FAILED);
    }
    String undo =
        run.rollbackCommand().isEmpty()
            ? ""
            : "; to undo the control-plane step: " + run.rollbackCommand();
    String summary =
        "rolled back by %s at %s: %s. %s. The CRDs and the control plane stay as they are%s"
            .formatted(d.by(), step.label(), d.reason(), String.join("; ", done), undo);
    run.book.failed(step, summary);
    run.book.end(RunState.ROLLED_BACK);
    log.info(summary);
    return new RolledBack(run.book.report(summary));
  }

  /** Ends the run from wherever a person chose to roll back, with its report. */
  static final class RolledBack extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient UpgradeReport report;

    RolledBack(UpgradeReport report) {
      super(report.summary(), null, false, false);
      this.report = report;
    }

    UpgradeReport report() {
      return report;
    }
  }
}
