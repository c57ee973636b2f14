package org.gloomeshupgrade.controlplane;

import java.util.List;

/**
 * @param revisionBefore Helm release revision before the upgrade (0 when not a Helm release)
 * @param revisionAfter Helm release revision after the upgrade
 * @param applied objects created or updated, as "Kind namespace/name"
 * @param replicasReset deployments the install had scaled up and that were scaled back to 0
 * @param output trimmed output of the tool, for the person reading the history
 * @param release the Helm release as "namespace/name" ("" without one; null in histories recorded
 *     before this field existed)
 */
public record ControlPlaneResult(
    String method,
    int revisionBefore,
    int revisionAfter,
    List<String> applied,
    List<String> replicasReset,
    String output,
    String release) {

  /**
   * The command that puts the release back as it was before the upgrade, or "" when there is none.
   */
  public String rollbackCommand() {
    if (release == null || release.isBlank() || revisionBefore <= 0) {
      return "";
    }
    int slash = release.indexOf('/');
    return "helm rollback "
        + release.substring(slash + 1)
        + " "
        + revisionBefore
        + " -n "
        + release.substring(0, slash);
  }
}
