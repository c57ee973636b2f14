package org.gloomeshupgrade.workflow;

import java.util.ArrayList;
import java.util.List;
import org.semver4j.Semver;

/** Which version pairs may be upgraded in place. Pure code: it runs inside workflow code. */
final class VersionPolicy {
  private VersionPolicy() {}

  /**
   * @return warnings for a person; throws {@link VersionRefused} for a pair that must not run
   */
  static List<String> check(String running, String target, boolean allowDowngrade) {
    List<String> warnings = new ArrayList<>();
    Semver to = Semver.parse(target);
    Semver from = running == null ? null : Semver.parse(running);
    if (to == null) {
      throw new VersionRefused("targetVersion \"" + target + "\" is not a version");
    }
    if (from == null) {
      warnings.add(
          "could not read the running version from the deployments' image tags (\""
              + running
              + "\"): downgrade and reinstall checks were skipped");
      return warnings;
    }
    if (from.getMajor() == 0 && to.getMajor() >= 1) {
      throw new VersionRefused(
          "refusing "
              + running
              + " to "
              + target
              + " in place: 0.x to 1.x changes every API "
              + "version with no conversion, so stored resources could not be served. That is a reinstall: "
              + "back up your configuration and follow the 1.0 installation guide.");
    }
    if (to.isLowerThan(from) && !allowDowngrade) {
      throw new VersionRefused(
          "refusing to downgrade from "
              + running
              + " to "
              + target
              + ": set allowDowngrade to true if that is really meant.");
    }
    if (to.isEqualTo(from)) {
      warnings.add(
          "the control plane already runs " + target + ": every step runs again to converge");
    }
    if (to.getMajor() == from.getMajor() && to.getMinor() - from.getMinor() > 1) {
      warnings.add(
          "skipping minor lines ("
              + running
              + " to "
              + target
              + "): read the changelogs of every "
              + "line in between for breaking changes");
    }
    return warnings;
  }

  /** A version pair that must not be upgraded in place. */
  static final class VersionRefused extends RuntimeException {
    VersionRefused(String message) {
      super(message);
    }
  }
}
