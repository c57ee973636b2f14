package org.gloomeshupgrade.testkit;

/** A fault waiting for its requests, as {@link FaultInjector} armed it. */
public interface ArmedFault {
  /** How many requests this fault has answered so far. */
  int injected();
}
