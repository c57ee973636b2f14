package org.gloomeshupgrade.fleet;

import java.util.Arrays;
import java.util.Optional;

/** Who asks for approval in a fleet upgrade. */
public enum FleetApproval {
  /** Each plane's child upgrade asks as a single upgrade does (its request's requireApproval). */
  PER_PLANE("per-plane"),
  /** The fleet asks once before each wave. */
  PER_WAVE("per-wave");

  private final String wireName;

  FleetApproval(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<FleetApproval> fromWireName(String name) {
    return Arrays.stream(values()).filter(a -> a.wireName.equalsIgnoreCase(name)).findFirst();
  }
}
