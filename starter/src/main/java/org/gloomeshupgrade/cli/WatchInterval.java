package org.gloomeshupgrade.cli;

import java.time.Duration;
import org.gloomeshupgrade.request.DurationText;
import picocli.CommandLine.Option;

/**
 * How often a watch asks for the status: shared by {@code gmu watch} and {@code gmu resume
 * --watch}.
 */
public final class WatchInterval {
  @Option(
      names = "--interval",
      defaultValue = "1s",
      description =
          "How often to ask for the status while watching (default "
              + "${DEFAULT-VALUE}; 500ms, 5s, ...).")
  String interval;

  Duration duration() {
    return DurationText.parse(interval)
        .filter(d -> !d.isNegative() && !d.isZero())
        .orElseThrow(() -> new IllegalArgumentException("--interval: not a duration: " + interval));
  }
}
