package org.gloomeshupgrade.workflow;

import java.util.List;

/**
 * Step 10's wait for the networking resources to reach a steady state.
 *
 * @param total networking resources found by the latest poll
 * @param accepted those ACCEPTED at their current generation
 * @param notAccepted the others, each with its state and errors
 * @param recovered resources that reported errors during the wait and then became ACCEPTED, with
 *     what they reported and for how long: the transient errors the runbook expects while
 *     networking starts its watches
 * @param polls how many times the status was read
 * @param settled how the wait ended, "" while waiting
 */
public record NetworkingProgress(
    int total,
    int accepted,
    List<String> notAccepted,
    List<String> recovered,
    int polls,
    String settled) {
  public NetworkingProgress {
    notAccepted = notAccepted == null ? List.of() : List.copyOf(notAccepted);
    recovered = recovered == null ? List.of() : List.copyOf(recovered);
  }
}
