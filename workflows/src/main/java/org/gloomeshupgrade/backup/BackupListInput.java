package org.gloomeshupgrade.backup;

/**
 * @param context kubeconfig context of the management cluster ("" for the worker's default)
 * @param namespace the Gloo Mesh namespace holding the backups ("" for the default)
 */
public record BackupListInput(String context, String namespace) {}
