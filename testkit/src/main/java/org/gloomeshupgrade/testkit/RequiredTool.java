package org.gloomeshupgrade.testkit;

import org.junit.jupiter.api.Assumptions;

/**
 * A tool a process-level test needs from outside Maven. On a developer's machine a missing tool
 * skips the test; in CI (CI set, or GMU_TEMPORAL_CLI passed in by .ci/run) it fails it, so that a
 * broken install step cannot turn into a green build that tested nothing.
 */
public final class RequiredTool {
  private RequiredTool() {}

  public static void require(boolean present, String whatIsMissing) {
    if (present) {
      return;
    }
    if (inCi()) {
      throw new AssertionError(whatIsMissing);
    }
    Assumptions.abort(whatIsMissing);
  }

  private static boolean inCi() {
    return isSet("CI") || isSet("GMU_TEMPORAL_CLI");
  }

  private static boolean isSet(String name) {
    String value = System.getenv(name);
    return value != null && !value.isBlank() && !value.equalsIgnoreCase("false");
  }
}
