package org.gloomeshupgrade.fleet;

import java.util.List;

/**
 * One wave in the fleet's view.
 *
 * @param approvedBy who approved the wave ("" when nobody yet, or when each plane asks itself)
 * @param soakUntil when its soak ends, ISO-8601 workflow time; "" before it soaks
 * @param checks the latest soak check, one line per plane and check that was not green
 */
public record WaveStatus(
    String name,
    WaveState state,
    String approvedBy,
    String soakUntil,
    List<String> checks,
    List<PlaneStatus> planes) {}
