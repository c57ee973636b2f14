package org.gloomeshupgrade.cli;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.workflow.UpgradeStatus;

/**
 * What {@code gmu watch} prints: pure functions of the status, so that every view can be tested
 * without a run.
 */
final class WatchView {
  private WatchView() {}

  /**
   * The whole picture, for a terminal; {@code now} counts the time of the step under way (null: not
   * counted).
   */
  static String frame(UpgradeStatus status, Instant now) {
    return StatusRenderer.render(status, now);
  }

  /**
   * The last line, once the run has ended or waits for a person: for the latter, the command that
   * answers it.
   */
  static String ending(UpgradeStatus status, WatchEnd end) {
    return switch (end) {
      case NEEDS_A_PERSON ->
          "stopped watching: the run waits for a person ("
              + status.state()
              + "): "
              + (status.awaiting().isEmpty() ? "see gmu status" : status.awaiting());
      case FINISHED -> "finished: " + status.state();
      case ENDED_BADLY ->
          "ended: "
              + status.state()
              + (status.attention().isEmpty() ? "" : ": " + status.attention());
    };
  }

  /**
   * The lines of {@code after} that {@code before} did not have, in order: a log (CI) shows each
   * change once without redrawing. A line repeated in a frame counts as many times as it appears.
   */
  static List<String> changedLines(String before, String after) {
    Map<String, Integer> seen = new HashMap<>();
    before.lines().forEach(l -> seen.merge(l, 1, Integer::sum));
    return after.lines().filter(l -> seen.merge(l, -1, Integer::sum) < 0).toList();
  }
}
