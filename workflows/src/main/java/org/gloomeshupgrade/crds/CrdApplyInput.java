package org.gloomeshupgrade.crds;

/**
 * @param source a local folder, an http(s) base URL, or "" for the public repository at the target tag
 * @param establishTimeoutSeconds how long to wait for each CRD to become Established
 */
public record CrdApplyInput(String context, String source, String targetVersion, long establishTimeoutSeconds) {}
