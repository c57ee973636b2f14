package org.gloomeshupgrade.fleet;

import java.util.List;

/** What a fleet keeps in its memo for a later run to carry it on: the waves that soaked. */
public record FleetProgress(List<String> soakedWaves) {
  public FleetProgress {
    soakedWaves = soakedWaves == null ? List.of() : List.copyOf(soakedWaves);
  }
}
