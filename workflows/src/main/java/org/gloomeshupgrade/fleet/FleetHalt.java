package org.gloomeshupgrade.fleet;

/**
 * A halt of the fleet and, once given, a person's answer to it.
 *
 * @param at when the fleet halted, ISO-8601 workflow time
 * @param action null while the halt waits for an answer
 */
public record FleetHalt(
    String wave,
    String reason,
    String at,
    FleetAction action,
    String by,
    String why,
    String answeredAt) {
  boolean open() {
    return action == null;
  }

  FleetHalt answered(FleetAnswer answer, String when) {
    return new FleetHalt(wave, reason, at, answer.action(), answer.by(), answer.reason(), when);
  }
}
