package org.gloomeshupgrade.fleet;

import java.util.List;

/**
 * What an earlier run of the same fleet left for the run that carries it on.
 *
 * @param resumedFrom the earlier run's run ID
 * @param soakedWaves the waves whose planes succeeded and soaked in earlier runs: not soaked again
 */
public record FleetResume(String resumedFrom, List<String> soakedWaves) {
  public FleetResume {
    resumedFrom = resumedFrom == null ? "" : resumedFrom;
    soakedWaves = soakedWaves == null ? List.of() : List.copyOf(soakedWaves);
  }
}
