package org.gloomeshupgrade.backup;

/**
 * @param context kubeconfig context of the management cluster ("" for the worker's default)
 * @param namespace the Gloo Mesh namespace, where the backup's Secrets are written
 * @param backupId what the backup is found by: the upgrade's workflow ID
 * @param discoveryDeployment the deployment whose Helm annotations name the release whose values
 *     are saved
 */
public record BackupInput(
    String context, String namespace, String backupId, String discoveryDeployment) {}
