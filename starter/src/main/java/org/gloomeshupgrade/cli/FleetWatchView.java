package org.gloomeshupgrade.cli;

import java.util.List;
import java.util.Optional;
import org.gloomeshupgrade.fleet.FleetState;

/** When {@code gmu fleet watch} stops and its last line: pure functions of the view. */
final class FleetWatchView {
  private FleetWatchView() {}

  /** Empty while the fleet makes progress on its own. */
  static Optional<WatchEnd> end(FleetView view) {
    FleetState state = view.status().state();
    if (state.finished()) {
      return Optional.of(state == FleetState.SUCCEEDED ? WatchEnd.FINISHED : WatchEnd.ENDED_BADLY);
    }
    // Closed before it finished (terminated, say): no answer can reach it any more.
    if (!view.closedAs().isEmpty()) {
      return Optional.of(WatchEnd.ENDED_BADLY);
    }
    return FleetAsk.of(view.fleet(), view.status()).isEmpty()
        ? Optional.empty()
        : Optional.of(WatchEnd.NEEDS_A_PERSON);
  }

  /** The last line: for a fleet that waits, what it waits for and the command that answers. */
  static String ending(FleetView view, WatchEnd end) {
    FleetState state = view.status().state();
    return switch (end) {
      case NEEDS_A_PERSON -> {
        List<FleetAsk> asks = FleetAsk.of(view.fleet(), view.status());
        yield "stopped watching: the fleet waits for a person (%s): %s: %s"
            .formatted(state, asks.get(0).what(), asks.get(0).command());
      }
      case FINISHED -> "finished: " + state;
      case ENDED_BADLY ->
          state.finished()
              ? "ended: " + state
              : "ended: the fleet's run is %s while %s: gmu fleet resume --fleet %s carries it on"
                  .formatted(view.closedAs(), state, view.fleet());
    };
  }
}
