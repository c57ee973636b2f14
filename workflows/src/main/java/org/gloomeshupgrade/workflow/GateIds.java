package org.gloomeshupgrade.workflow;

import io.temporal.workflow.Workflow;
import java.util.Locale;
import java.util.UUID;

/**
 * The ID of each gate a person answers (an approval, a decision): a token drawn once per run and a
 * count, so an answer for another run's gate, or for an earlier gate of this one, never fits (a
 * reset re-applies signals). Runs recorded before gates had IDs ({@link Change#GATES}) open gates
 * without one.
 */
final class GateIds {
  private final ChangeVersions versions;

  /** Null until the first gate opens: decided then, once. */
  private Boolean gated;

  private String token;
  private int opened;
  private String open = "";

  GateIds(ChangeVersions versions) {
    this.versions = versions;
  }

  /** Opens the next gate for {@code step} and returns its ID; "" in runs without gate IDs. */
  String open(Step step) {
    if (gated == null) {
      gated = versions.applies(Change.GATES);
    }
    if (!gated) {
      open = "";
      return open;
    }
    if (token == null) {
      // Recorded in the history, so every replay (a worker's, a reset's, `gmu
      // replay`'s) sees the same IDs; the run ID would not do: a reset replays
      // under a new one, and the offline replayer under a placeholder.
      token = Workflow.sideEffect(String.class, () -> UUID.randomUUID().toString().substring(0, 8));
    }
    opened++;
    open =
        "%s-%s-%d".formatted(step.name().toLowerCase(Locale.ROOT).replace('_', '-'), token, opened);
    return open;
  }

  void close() {
    open = "";
  }

  /** Null when the answer names the open gate, or when the run has no gate IDs; else why not. */
  String refusal(String named) {
    if (!Boolean.TRUE.equals(gated) || open.isEmpty()) {
      return null;
    }
    if (named == null || named.isBlank()) {
      return "\"gate\" is required: the open gate is %s (shown in the status)".formatted(open);
    }
    if (!named.equals(open)) {
      return "the answer names gate %s, but the open gate is %s: an answer is for the one gate it names"
          .formatted(named, open);
    }
    return null;
  }
}
