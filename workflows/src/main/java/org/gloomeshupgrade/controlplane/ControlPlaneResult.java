package org.gloomeshupgrade.controlplane;

import java.util.List;

/**
 * @param revisionBefore Helm release revision before the upgrade (0 when not a Helm release)
 * @param revisionAfter Helm release revision after the upgrade
 * @param applied objects created or updated, as "Kind namespace/name"
 * @param replicasReset deployments the install had scaled up and that were scaled back to 0
 * @param output trimmed output of the tool, for the person reading the history
 */
public record ControlPlaneResult(
    String method,
    int revisionBefore,
    int revisionAfter,
    List<String> applied,
    List<String> replicasReset,
    String output) {}
