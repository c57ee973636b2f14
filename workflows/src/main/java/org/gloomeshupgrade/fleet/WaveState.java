package org.gloomeshupgrade.fleet;

/** Where a wave is. */
public enum WaveState {
  PENDING,
  RUNNING,
  SOAKING,
  /** Every plane succeeded and the soak checks stayed green, or a person continued past them. */
  DONE,
  /** Every plane was already at the target and the wave had soaked in an earlier run. */
  SKIPPED
}
