package org.gloomeshupgrade.fleet;

/** A person's answer to a halted fleet: what, who and why. */
public record FleetAnswer(FleetAction action, String by, String reason) {}
