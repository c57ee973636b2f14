package org.gloomeshupgrade.controlplane;

import java.util.List;

/**
 * What an installer did.
 *
 * @param revisionBefore Helm release revision before (0 when the method does not use a release)
 * @param revisionAfter Helm release revision after
 * @param applied objects created or updated, as "Kind namespace/name"
 * @param output the tool's output, already trimmed for the history
 */
public record InstallOutcome(
    int revisionBefore, int revisionAfter, List<String> applied, String output, String release) {
  /**
   * @param release the Helm release upgraded, as "namespace/name", or "" when the method does not
   *     use one
   */
  public InstallOutcome {
    applied = List.copyOf(applied);
    release = release == null ? "" : release;
  }

  /** Without a Helm release. */
  public InstallOutcome(
      int revisionBefore, int revisionAfter, List<String> applied, String output) {
    this(revisionBefore, revisionAfter, applied, output, "");
  }
}
