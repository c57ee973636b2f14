package org.gloomeshupgrade.fleet;

/** What a person tells a halted fleet. */
public enum FleetAction {
  /** Go on: the problems that halted the fleet are accepted as they are. */
  CONTINUE,
  /** Look again (the planes' runs, the soak checks); the halt ends by itself when all is well. */
  RECHECK,
  /** End the fleet here; the planes already upgraded stay upgraded. */
  STOP
}
