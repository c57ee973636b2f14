package org.gloomeshupgrade.backup;

/**
 * @param context kubeconfig context of the management cluster ("" for the worker's default)
 * @param namespace the Gloo Mesh namespace, where the backup's Secrets are written
 * @param backupId what the backup is found by: the upgrade's workflow ID and first run ID (the
 *     workflow ID alone in runs recorded before each run had its own)
 * @param discoveryDeployment the deployment whose Helm annotations name the release whose values
 *     are saved
 * @param workflowId the upgrade's workflow ID, kept with the backup for listings; null in runs
 *     recorded before listings
 * @param fromVersion the Gloo Mesh version running when the backup was taken, for listings
 * @param targetVersion the version the run upgrades to, for listings
 */
public record BackupInput(
    String context,
    String namespace,
    String backupId,
    String discoveryDeployment,
    String workflowId,
    String fromVersion,
    String targetVersion) {}
