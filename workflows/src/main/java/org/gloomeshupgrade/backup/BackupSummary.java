package org.gloomeshupgrade.backup;

/**
 * One backup as `gmu backups` lists it.
 *
 * @param backupId what `gmu restore --backup` takes
 * @param workflowId the upgrade that took it
 * @param takenAt when, as an ISO-8601 instant; the Secrets' creation time for backups written
 *     before this was recorded
 * @param fromVersion the Gloo Mesh version running when it was taken, "" when not recorded
 * @param targetVersion the version that upgrade went to, "" when not recorded
 * @param bytes its size, compressed
 * @param resources how many resources it holds, -1 when not recorded
 * @param problem why it cannot be restored (chunks missing or mixed), "" when it can
 */
public record BackupSummary(
    String backupId,
    String workflowId,
    String takenAt,
    String fromVersion,
    String targetVersion,
    long bytes,
    int resources,
    String problem) {}
