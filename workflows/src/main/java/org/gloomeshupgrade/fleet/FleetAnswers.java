package org.gloomeshupgrade.fleet;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.workflow.ApproverPolicy;

/**
 * People's answers to the fleet: wave approvals and answers to a halt. Validators refuse through
 * {@link #waveRefusal} and {@link #refusal}; the handlers only record, and the fleet's loops act on
 * what was recorded ({@link #take}).
 */
final class FleetAnswers {
  private final FleetBook book;
  private FleetAnswer pending;

  /** Bumped by every piece of news the loops wait for: a plane's, or a person's. */
  private int news;

  FleetAnswers(FleetBook book) {
    this.book = book;
  }

  void news() {
    news++;
    book.changed();
  }

  /** Waits until something happens after {@code seen} ({@link #newsSeen}). */
  void awaitNewsAfter(int seen) {
    Workflow.await(() -> news != seen);
  }

  /** As {@link #awaitNewsAfter(int)}, for at most {@code atMost}; false when nothing happened. */
  boolean awaitNewsAfter(int seen, Duration atMost) {
    return Workflow.await(atMost, () -> news != seen);
  }

  /** Waits until a person answers the open halt. */
  void awaitAnswer() {
    Workflow.await(() -> pending != null);
  }

  int newsSeen() {
    return news;
  }

  /** The answer to the open halt not yet acted on, taken; null when none. */
  FleetAnswer take() {
    FleetAnswer answer = pending;
    pending = null;
    return answer;
  }

  String waveRefusal(WaveApproval a) {
    if (book.waves().isEmpty()) {
      return "the fleet has not read its request yet";
    }
    if (book.snapshot().approval() != FleetApproval.PER_WAVE) {
      return "this fleet's approval is per-plane: approve each plane's run (gmu approve -w gloo-mesh-upgrade-<context>)";
    }
    String missing = missing(a == null ? null : a.by(), a == null ? null : a.reason());
    if (missing != null) {
      return missing;
    }
    FleetBook.Wave wave = book.wave(a.wave() == null ? "" : a.wave().trim());
    if (wave == null) {
      return "wave: \"%s\" is not a wave of this fleet (waves: %s)"
          .formatted(a.wave(), book.waves().stream().map(w -> w.spec.name()).toList());
    }
    String name = wave.spec.name();
    if (wave.approval != null) {
      return "wave %s is already approved by %s".formatted(name, wave.approval.by());
    }
    if (wave.state != WaveState.RUNNING) {
      return "wave %s is %s: a wave is approved while its planes run".formatted(name, wave.state);
    }
    if (wave.planes.stream().noneMatch(p -> p.state == PlaneState.WAITING_FOR_APPROVAL)) {
      return "no plane of wave %s waits for approval yet (%s)".formatted(name, states(wave));
    }
    // A plane upgraded before this run has no gate left to approve.
    return policyRefusal(
        wave.planes.stream().filter(p -> !p.state.upgraded()).toList(),
        a.by(),
        "approve wave " + name);
  }

  String approveWave(WaveApproval a) {
    FleetBook.Wave wave = book.wave(a.wave().trim());
    wave.approval = new WaveApproval(wave.spec.name(), a.by().trim(), a.reason().trim());
    news();
    long waiting =
        wave.planes.stream().filter(p -> p.state == PlaneState.WAITING_FOR_APPROVAL).count();
    return "wave %s approved by %s: %d plane%s waiting now, the others when they reach the gate"
        .formatted(wave.spec.name(), a.by().trim(), waiting, waiting == 1 ? "" : "s");
  }

  String refusal(FleetAnswer a) {
    if (a == null || a.action() == null) {
      return "action: required, one of %s".formatted(Arrays.toString(FleetAction.values()));
    }
    String missing = missing(a.by(), a.reason());
    if (missing != null) {
      return missing;
    }
    FleetHalt halt = book.openHalt();
    if (halt == null) {
      return "the fleet is not halted (it is %s): nothing to answer".formatted(book.state());
    }
    if (pending != null) {
      return "the fleet is still acting on %s's %s".formatted(pending.by(), pending.action());
    }
    if (a.action() == FleetAction.CONTINUE) {
      // Going on past a problem is an approval: the same people may give it, for every plane of the
      // wave, upgraded or not (a red soak check is about upgraded planes).
      return policyRefusal(
          book.wave(halt.wave()).planes, a.by(), "continue the fleet past wave " + halt.wave());
    }
    return null;
  }

  String answer(FleetAnswer a) {
    FleetAnswer trimmed = new FleetAnswer(a.action(), a.by().trim(), a.reason().trim());
    book.answer(trimmed);
    pending = trimmed;
    news();
    return "%s recorded for %s".formatted(trimmed.action(), trimmed.by());
  }

  private static String missing(String by, String reason) {
    if (by == null || by.isBlank()) {
      return "by: required, who answers";
    }
    if (reason == null || reason.isBlank()) {
      return "reason: required, why";
    }
    return null;
  }

  /** The first refusal by the planes' approver rules, as each plane's own run holds them. */
  private static String policyRefusal(List<Plane> planes, String by, String what) {
    for (Plane plane : planes) {
      UpgradeRequest r = plane.parsed;
      String refusal =
          new ApproverPolicy(r.approvers(), r.requestedBy(), r.allowSelfApproval())
              .refusal(by, true, what);
      if (refusal != null) {
        return "%s: %s".formatted(plane.context, refusal);
      }
    }
    return null;
  }

  private static String states(FleetBook.Wave wave) {
    List<String> states = wave.planes.stream().map(p -> p.context + " " + p.state).toList();
    return String.join(", ", states);
  }
}
