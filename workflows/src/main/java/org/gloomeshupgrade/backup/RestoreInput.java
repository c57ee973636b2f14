package org.gloomeshupgrade.backup;

/**
 * @param context kubeconfig context of the management cluster ("" for the worker's default)
 * @param namespace the Gloo Mesh namespace, where the backup's Secrets are
 * @param backupId the upgrade's workflow ID
 */
public record RestoreInput(String context, String namespace, String backupId) {}
