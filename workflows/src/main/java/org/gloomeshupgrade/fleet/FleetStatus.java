package org.gloomeshupgrade.fleet;

import java.util.List;

/**
 * The whole fleet, as the status query returns it.
 *
 * @param currentWave the wave being run or soaked, "" before the first and at the end
 * @param halts every halt and its answer, oldest first
 * @param resumedFrom the earlier run of this fleet that this one carries on, "" when none
 */
public record FleetStatus(
    String name,
    FleetState state,
    String targetVersion,
    FleetApproval approval,
    String currentWave,
    List<WaveStatus> waves,
    List<FleetHalt> halts,
    List<String> warnings,
    String resumedFrom) {}
