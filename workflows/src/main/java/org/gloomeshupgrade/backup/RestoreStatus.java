package org.gloomeshupgrade.backup;

import org.gloomeshupgrade.workflow.Approval;

/**
 * A restore as its {@code status} query returns it.
 *
 * @param awaiting what the restore waits for from a person, with the commands that answer; "" when
 *     nothing
 * @param gate the ID an answer names, "" when no approval is awaited
 * @param approval who approved, null until then
 * @param rejection who rejected, null unless someone did
 * @param result what was restored, null until it is done
 */
public record RestoreStatus(
    RestoreState state,
    String context,
    String backupId,
    String requestedBy,
    String awaiting,
    String gate,
    Approval approval,
    Approval rejection,
    RestoreResult result) {}
