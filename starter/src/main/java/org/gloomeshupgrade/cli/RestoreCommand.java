package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.backup.RestoreRequest;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.backup.RestoreState;
import org.gloomeshupgrade.backup.RestoreStatus;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.gloomeshupgrade.resume.EarlierRun;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Put back a backup's configuration (spec, labels, annotations); running it again changes"
          + " nothing more.",
      "It writes over live configuration, so it waits for an approval like a rollback: by"
          + " someone on the approver list, and not by you unless self-approval is allowed."
          + " The rules default to those of the upgrade that took the backup."
    })
final class RestoreCommand implements Callable<Integer> {
  @Mixin TemporalConnection temporal;
  @Mixin RunSelector run;

  @Option(
      names = "--backup",
      description =
          "The backup, as gmu backups lists it (default: the one the upgrade run took before its"
              + " first change).")
  String backupId;

  @Option(
      names = "--mesh-namespace",
      description = "Gloo Mesh namespace holding the backup (default: the worker's default).")
  String meshNamespace;

  @Option(
      names = "--by",
      defaultValue = "${sys:user.name}",
      description = "Who asks for the restore (default: your user name).")
  String by;

  @Option(
      names = "--reason",
      required = true,
      description = "Why, for the record (a change ticket, for example).")
  String reason;

  @Option(
      names = "--approver",
      split = ",",
      description =
          "Who may approve (repeat or comma-separate; default: the upgrade's approvers, else anyone"
              + " but you).")
  List<String> approvers;

  @Option(
      names = "--allow-self-approval",
      negatable = true,
      description =
          "Whether your own request counts as the approval (default: the upgrade's rule).")
  Boolean allowSelfApproval;

  @Option(
      names = "--approval-timeout",
      defaultValue = "",
      description = "How long to wait for the approval (default: 24h).")
  String approvalTimeout;

  @Option(
      names = "--detach",
      description = "Start the restore and return; watch it with gmu status on the restore's ID.")
  boolean detach;

  @Override
  public Integer call() throws Exception {
    try {
      WorkflowClient client = temporal.client();
      String upgradeId = backupId == null ? run.workflowId() : upgradeOf(backupId);
      Optional<UpgradeStatus> upgrade = statusOf(client, upgradeId);
      String backup = backupId != null ? backupId : runsOwnBackup(upgradeId, upgrade);
      String context = run.context;
      if (context == null || context.isBlank()) {
        // The upgrade's own status says which cluster it ran on; past retention, the worker's
        // default.
        context = upgrade.map(UpgradeStatus::managementContext).orElse("");
      }
      // Read once: it fetches the history of the run that took the backup.
      Policy taker =
          approvers != null && allowSelfApproval != null
              ? new Policy(approvers, allowSelfApproval)
              : policyOf(client, backup);
      RestoreRequest request =
          new RestoreRequest(
              context,
              meshNamespace,
              backup,
              by,
              reason,
              approvers != null ? approvers : taker.approvers(),
              allowSelfApproval != null ? allowSelfApproval : taker.allowSelfApproval(),
              approvalTimeout);
      String id = UpgradeNames.restoreWorkflowId(backup);
      GlooMeshRestoreWorkflow restore =
          client.newWorkflowStub(
              GlooMeshRestoreWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(UpgradeNames.TASK_QUEUE)
                  .setWorkflowIdReusePolicy(
                      WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                  .build());
      try {
        WorkflowClient.start(restore::restore, request);
      } catch (WorkflowExecutionAlreadyStarted running) {
        System.err.println(
            "error: a restore of %s is already running: answer it with gmu approve --workflow-id %s"
                .formatted(backup, id));
        return 1;
      }
      System.out.println("restore of backup %s started: workflow %s".formatted(backup, id));
      return follow(restore);
    } finally {
      temporal.close();
    }
  }

  /** The upgrade a backup ID names: the part before "@", all of it for older backups. */
  static String upgradeOf(String backupId) {
    int at = backupId.lastIndexOf('@');
    return at < 0 ? backupId : backupId.substring(0, at);
  }

  private static Optional<UpgradeStatus> statusOf(WorkflowClient client, String upgradeId) {
    try {
      return Optional.of(client.newWorkflowStub(GlooMeshUpgradeWorkflow.class, upgradeId).status());
    } catch (RuntimeException pastRetentionOrNoSuchRun) {
      return Optional.empty();
    }
  }

  private static String runsOwnBackup(String upgradeId, Optional<UpgradeStatus> status) {
    UpgradeStatus s =
        status.orElseThrow(
            () ->
                new IllegalArgumentException(
                    "cannot read the status of %s to find its backup: name it with --backup (gmu backups lists them)"
                        .formatted(upgradeId)));
    if (s.backupId() != null && !s.backupId().isBlank()) {
      return s.backupId();
    }
    if (s.backup() != null) {
      // Runs from before each run had its own backup saved it under the workflow ID.
      return upgradeId;
    }
    throw new IllegalArgumentException(
        "the latest run of %s took no backup (it stopped before its first change): name one with --backup (gmu backups lists them)"
            .formatted(upgradeId));
  }

  private record Policy(List<String> approvers, boolean allowSelfApproval) {}

  /**
   * The approver rules of the upgrade run that took the backup; anyone but the requester when that
   * run is gone.
   */
  private static Policy policyOf(WorkflowClient client, String backup) {
    int at = backup.lastIndexOf('@');
    String runId = at < 0 ? "" : backup.substring(at + 1);
    try {
      Optional<EarlierRun> taker = EarlierRun.find(client, upgradeOf(backup), runId);
      if (taker.isPresent()) {
        JsonNode started = taker.get().requestAsStarted(client);
        // The request of a run that started, read as it was accepted then.
        UpgradeRequest request =
            UpgradeRequestParser.parse(started, UpgradeRequestParser.Rules.BEFORE_LIMITS);
        return new Policy(request.approvers(), request.allowSelfApproval());
      }
    } catch (RuntimeException unreadable) {
      // Fall through to the strictest default.
    }
    return new Policy(new ArrayList<>(), false);
  }

  /**
   * Prints what the restore awaits once, then its result; with --detach, returns once the request
   * was checked.
   */
  private int follow(GlooMeshRestoreWorkflow restore) {
    WorkflowStub stub = WorkflowStub.fromTyped(restore);
    boolean shown = false;
    while (true) {
      try {
        System.out.println(render(stub.getResult(1, TimeUnit.SECONDS, RestoreResult.class)));
        return 0;
      } catch (WorkflowFailedException e) {
        System.err.println("error: " + CliErrors.describe(e));
        return 1;
      } catch (TimeoutException stillRunning) {
        RestoreStatus status = restore.status();
        if (!shown && !status.awaiting().isEmpty()) {
          System.out.println("awaiting " + status.awaiting());
          shown = true;
        }
        if (detach && status.state() != RestoreState.CHECKING) {
          return 0;
        }
      }
    }
  }

  static String render(RestoreResult result) {
    StringBuilder out =
        new StringBuilder(
            "restored the backup %s: %d created, %d updated, %d unchanged"
                .formatted(
                    result.backupId(),
                    result.createdCount(),
                    result.updatedCount(),
                    result.unchanged()));
    result.created().forEach(id -> out.append("\n  created  ").append(id));
    if (result.createdUnlisted() > 0) {
      out.append("\n  created  and %d more".formatted(result.createdUnlisted()));
    }
    result.updated().forEach(id -> out.append("\n  updated  ").append(id));
    if (result.updatedUnlisted() > 0) {
      out.append("\n  updated  and %d more".formatted(result.updatedUnlisted()));
    }
    return out.toString();
  }
}
