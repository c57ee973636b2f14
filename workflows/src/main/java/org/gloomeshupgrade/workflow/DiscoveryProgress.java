package org.gloomeshupgrade.workflow;

import java.util.Map;
import org.gloomeshupgrade.messages.SortedCopy;

/**
 * @param inventory kind to the count recorded in preflight
 * @param current kind to the latest count
 * @param polls how many times discovery was counted
 * @param settled how it settled ("inventory back", "stable for 2m"), "" while waiting
 */
public record DiscoveryProgress(
    Map<String, Integer> inventory, Map<String, Integer> current, int polls, String settled) {

  public DiscoveryProgress {
    inventory = SortedCopy.ofNullable(inventory);
    current = SortedCopy.ofNullable(current);
  }
}
