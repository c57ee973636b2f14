package org.gloomeshupgrade.notify;

import java.util.Locale;

/** Which kind of gate a notification is about. */
public enum GateKind {
  /** Networking waits at 0 replicas for a person's approval. */
  APPROVAL,
  /** A step failed and waits for a decision. */
  FAILED_STEP,
  /** Configuration does not conform to the target's CRDs. */
  CONFORMANCE,
  /** Some remote clusters failed to re-register. */
  FAILED_CLUSTERS;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
