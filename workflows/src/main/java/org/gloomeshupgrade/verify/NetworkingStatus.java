package org.gloomeshupgrade.verify;

import java.util.List;

/**
 * @param total networking resources found
 * @param accepted those with state ACCEPTED at observedGeneration == generation
 * @param notAccepted the first {@value #MAX_LISTED} of the others, as "Kind namespace/name: STATE
 *     (errors)", each at most {@value #MAX_LINE} characters; {@link #pending()} counts them all
 */
public record NetworkingStatus(int total, int accepted, List<String> notAccepted) {
  /**
   * How many resources not yet accepted a status names. A mesh with thousands pending is polled
   * every few seconds, and each answer is kept in the workflow's history.
   */
  public static final int MAX_LISTED = 50;

  /** Characters of one resource's line: its errors can be any length. */
  public static final int MAX_LINE = 300;

  public boolean steady() {
    return accepted == total;
  }

  /** How many are not accepted, named or not. */
  public int pending() {
    return total - accepted;
  }

  /** The named ones, and how many more there are. */
  public String describeNotAccepted() {
    String named = String.join("; ", notAccepted);
    int unnamed = pending() - notAccepted.size();
    return unnamed > 0 ? "%s; and %d more".formatted(named, unnamed) : named;
  }

  /** A resource's line, cut to {@value #MAX_LINE} characters. */
  public static String line(String text) {
    return text.length() <= MAX_LINE ? text : text.substring(0, MAX_LINE - 3) + "...";
  }
}
