package org.gloomeshupgrade.backup;

import java.util.List;

/**
 * What `gmu restore` (or {@code temporal workflow start --type GlooMeshRestore}) asks for. A
 * restore writes over live configuration, so it is held to the approval rules of a rollback.
 *
 * @param context kubeconfig context of the management cluster ("" for the worker's default)
 * @param namespace the Gloo Mesh namespace holding the backup ("" for the default)
 * @param backupId the backup, as `gmu backups` lists it
 * @param requestedBy who asks for the restore (required)
 * @param reason why, for the record
 * @param approvers who may approve it; empty: anyone but the requester
 * @param allowSelfApproval whether the requester's own request counts as the approval
 * @param approvalTimeout how long to wait for the approval, as duration text ("24h"); "" for the
 *     upgrade's default
 */
public record RestoreRequest(
    String context,
    String namespace,
    String backupId,
    String requestedBy,
    String reason,
    List<String> approvers,
    boolean allowSelfApproval,
    String approvalTimeout) {
  public RestoreRequest {
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
  }
}
