package org.gloomeshupgrade.verify;

import java.util.List;

/**
 * @param total networking resources found
 * @param accepted those with state ACCEPTED at observedGeneration == generation
 * @param notAccepted the others, as "Kind namespace/name: STATE (errors)"
 */
public record NetworkingStatus(int total, int accepted, List<String> notAccepted) {
  public boolean steady() {
    return accepted == total;
  }
}
