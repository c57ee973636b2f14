package org.gloomeshupgrade.fleet;

/** The fleet's result: how it ended, in a sentence and in full. */
public record FleetReport(FleetState outcome, String summary, FleetStatus status) {}
