package org.gloomeshupgrade.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeActivityOptions;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.slf4j.Logger;

/**
 * Runs one wave's planes: each plane's latest run looked up first (upgraded already, still running,
 * or to be carried on), then at most {@code concurrency} child upgrades at once. A plane that needs
 * a person, or ends without succeeding, halts the fleet: nothing new starts until a person answers,
 * while the planes already running go on.
 */
final class WavePlanes {
  private static final Logger log = Workflow.getLogger(WavePlanes.class);

  /** Run states that leave nothing for a new run to carry on. */
  private static final Set<RunState> NOTHING_TO_CARRY_ON =
      Set.of(RunState.SUCCEEDED, RunState.DRY_RUN_COMPLETE, RunState.ROLLED_BACK);

  /** How soon the fleet first looks at a run it follows but did not start, while it waits. */
  static final Duration FOLLOW_CHECK = Duration.ofMinutes(5);

  /** The longest it waits between two such looks. */
  static final Duration LONGEST_LOOK_GAP = Duration.ofHours(2);

  private final FleetBook book;
  private final FleetAnswers answers;
  private final FleetActivities lookup =
      Workflow.newActivityStub(FleetActivities.class, UpgradeActivityOptions.fleetLookup());

  /** The problems a person continued past, by {@link Plane#problem()}. */
  private final Set<String> accepted = new HashSet<>();

  /** The problems the open halt names. */
  private final Set<String> haltedFor = new HashSet<>();

  private Duration lookGap = FOLLOW_CHECK;
  private long nextLook;

  WavePlanes(FleetBook book, FleetAnswers answers) {
    this.book = book;
    this.answers = answers;
  }

  /**
   * @return false when a person stopped the fleet
   */
  boolean run(FleetBook.Wave wave, boolean soakedBefore) {
    book.current(wave, WaveState.RUNNING);
    wave.planes.forEach(this::lookUp);
    if (soakedBefore && wave.planes.stream().allMatch(p -> p.state.upgraded())) {
      wave.state = WaveState.SKIPPED;
      book.changed();
      log.info("wave {}: every plane upgraded and soaked before: skipped", wave.spec.name());
      return true;
    }
    while (true) {
      int seen = answers.newsSeen();
      FleetAnswer answer = answers.take();
      if (answer != null && !act(wave, answer)) {
        return false;
      }
      List<Plane> problems =
          wave.planes.stream()
              .filter(p -> p.problem() != null && !accepted.contains(p.problem()))
              .toList();
      if (!problems.isEmpty()) {
        halt(wave, problems);
      }
      boolean halted = book.openHalt() != null;
      if (!halted) {
        for (Plane plane : wave.planes) {
          if (plane.state == PlaneState.PENDING && running(wave) < wave.spec.concurrency()) {
            start(wave, plane);
          }
        }
      }
      answerGates(wave);
      if (!halted && wave.planes.stream().allMatch(this::done)) {
        return true;
      }
      awaitNews(wave, seen);
    }
  }

  /**
   * Waits for news. A run this fleet follows but did not start reports its changes, but may end
   * without a word (terminated by hand, or its last report lost): while one is going, the fleet
   * also looks at it, first after {@link #FOLLOW_CHECK}, then less and less often, so that a long
   * wait for a person does not grow the history much.
   */
  private void awaitNews(FleetBook.Wave wave, int seen) {
    List<Plane> followed =
        wave.planes.stream().filter(p -> p.followed && !p.over && !p.settled()).toList();
    if (followed.isEmpty()) {
      answers.awaitNewsAfter(seen);
      return;
    }
    long now = Workflow.currentTimeMillis();
    if (nextLook == 0) {
      nextLook = now + lookGap.toMillis();
    }
    if (nextLook > now && answers.awaitNewsAfter(seen, Duration.ofMillis(nextLook - now))) {
      return;
    }
    followed.forEach(this::lookAgain);
    lookGap =
        lookGap.multipliedBy(2).compareTo(LONGEST_LOOK_GAP) > 0
            ? LONGEST_LOOK_GAP
            : lookGap.multipliedBy(2);
    nextLook = Workflow.currentTimeMillis() + lookGap.toMillis();
  }

  /**
   * A plane's latest run, looked at again: its own run's state, or a later run someone started
   * (followed when open, upgraded when it succeeded). A run that ended does not start again by
   * itself: a person carries it on, and the fleet follows.
   */
  private void lookAgain(Plane plane) {
    if (!plane.lookedUp) {
      lookUp(plane);
      return;
    }
    PlaneRun latest;
    try {
      latest = lookup.latestPlaneRun(plane.context);
    } catch (ActivityFailure e) {
      book.warn(
          "%s: its latest run could not be read: %s"
              .formatted(plane.context, FleetFailures.why(e)));
      return;
    }
    String target = book.snapshot().targetVersion();
    if (latest == null) {
      return;
    }
    boolean same = latest.runId().equals(plane.runId);
    if (latest.open()) {
      if (!same && !target.equals(latest.targetVersion())) {
        busy(plane, latest);
      } else {
        if (!same) {
          follow(plane, latest);
        } else {
          plane.heard(latest.state(), latest.step(), latest.gate(), plane.note, latest.level());
        }
      }
    } else if (latest.state() == RunState.SUCCEEDED && target.equals(latest.targetVersion())) {
      plane.runId = latest.runId();
      plane.over = true;
      plane.heard(RunState.SUCCEEDED, plane.step, "", "", latest.level());
    } else if (!same || !plane.over) {
      plane.runId = latest.runId();
      plane.over = true;
      plane.runState = latest.state();
      plane.state = PlaneState.ENDED;
      plane.gate = "";
      plane.note =
          latest.state() != null && latest.state().finished()
              ? "its run %s ended %s".formatted(latest.runId(), latest.state())
              : "its run %s closed without finishing (terminated?)".formatted(latest.runId());
    }
    book.changed();
  }

  /** A run's news, from the signal handler: recorded only. */
  void heard(PlaneChange change) {
    Plane plane = change == null ? null : book.plane(change.context());
    if (plane == null || change.state() == null || change.runId() == null) {
      book.warn("news ignored: not from a plane's run of this fleet: %s".formatted(change));
      return;
    }
    if (plane.runId.isEmpty() && plane.child) {
      plane.runId = change.runId();
    }
    // Another run's news (one this fleet does not follow, or one already over) changes nothing.
    if (!plane.runId.equals(change.runId()) || plane.over) {
      return;
    }
    plane.heard(change.state(), change.step(), change.gate(), change.attention(), change.level());
    plane.over = change.state().finished() && !plane.child;
    if (plane.followed) {
      lookGap = FOLLOW_CHECK;
      nextLook = 0;
    }
    answers.news();
  }

  private boolean act(FleetBook.Wave wave, FleetAnswer answer) {
    switch (answer.action()) {
      case STOP -> {
        return false;
      }
      // Only the problems the halt named: one that came up while it waited halts the fleet again.
      case CONTINUE -> accepted.addAll(haltedFor);
      case RECHECK ->
          wave.planes.stream().filter(p -> p.problem() != null).forEach(this::lookAgain);
    }
    haltedFor.clear();
    return true;
  }

  /**
   * Halts the fleet for these problems; while it is halted already, its halt names them instead, so
   * that a CONTINUE goes past what the halt shows when it is given.
   */
  private void halt(FleetBook.Wave wave, List<Plane> problems) {
    Set<String> keys = new LinkedHashSet<>();
    problems.forEach(p -> keys.add(p.problem()));
    if (book.openHalt() != null && keys.equals(haltedFor)) {
      return;
    }
    String reason =
        String.join(
            "; ",
            problems.stream()
                .map(
                    p ->
                        "%s %s%s"
                            .formatted(
                                p.context,
                                p.runState == null ? p.state : p.runState,
                                p.note.isBlank() ? "" : ": " + p.note))
                .toList());
    log.warn("fleet halted in wave {}: {}", wave.spec.name(), reason);
    if (book.openHalt() == null) {
      book.halt(wave.spec.name(), reason);
    } else {
      book.reword(reason);
    }
    haltedFor.clear();
    haltedFor.addAll(keys);
  }

  private static int running(FleetBook.Wave wave) {
    return (int)
        wave.planes.stream()
            .filter(
                p ->
                    p.state == PlaneState.RUNNING
                        || p.state == PlaneState.WAITING_FOR_APPROVAL
                        || p.state == PlaneState.NEEDS_ATTENTION)
            .count();
  }

  private boolean done(Plane plane) {
    return plane.state.upgraded()
        || ((plane.state == PlaneState.ENDED || plane.state == PlaneState.BUSY)
            && accepted.contains(plane.problem()));
  }

  /** Where the plane's latest run leaves it, before the fleet starts one. */
  private void lookUp(Plane plane) {
    PlaneRun latest;
    try {
      latest = lookup.latestPlaneRun(plane.context);
    } catch (ActivityFailure e) {
      // Not knowing is a reason to halt, not to fail the fleet or to start a second run.
      plane.lookedUp = false;
      plane.state = PlaneState.BUSY;
      plane.note = "its latest run could not be read: %s".formatted(FleetFailures.why(e));
      book.changed();
      return;
    }
    plane.lookedUp = true;
    String target = book.snapshot().targetVersion();
    plane.resumeFrom = null;
    if (latest == null) {
      plane.state = PlaneState.PENDING;
      plane.note = "";
    } else if (latest.open() && target.equals(latest.targetVersion())) {
      follow(plane, latest);
    } else if (latest.open()) {
      busy(plane, latest);
    } else if (latest.state() == RunState.SUCCEEDED && target.equals(latest.targetVersion())) {
      plane.runId = latest.runId();
      plane.runState = latest.state();
      plane.state = PlaneState.ALREADY_UPGRADED;
      plane.level = latest.level();
      plane.over = true;
      plane.note = "upgraded to %s by run %s".formatted(target, latest.runId());
    } else {
      plane.state = PlaneState.PENDING;
      plane.over = false;
      plane.note = "";
      if (target.equals(latest.targetVersion()) && !NOTHING_TO_CARRY_ON.contains(latest.state())) {
        plane.resumeFrom = latest.runId();
      }
    }
    book.changed();
  }

  /**
   * An open run to the fleet's target, started by an earlier run of this fleet (or by hand):
   * followed, not started again. Its news comes here, since a plane's run tells its fleet's latest
   * run.
   */
  private void follow(Plane plane, PlaneRun latest) {
    plane.runId = latest.runId();
    plane.child = false;
    plane.followed = true;
    plane.over = false;
    plane.heard(latest.state(), latest.step(), latest.gate(), "", latest.level());
    plane.note = "followed: started before this run of the fleet";
    lookGap = FOLLOW_CHECK;
    nextLook = 0;
  }

  private static void busy(Plane plane, PlaneRun latest) {
    plane.runId = latest.runId();
    plane.followed = false;
    plane.state = PlaneState.BUSY;
    plane.note =
        "a run to %s is in progress: the fleet does not start another"
            .formatted(latest.targetVersion());
  }

  private void start(FleetBook.Wave wave, Plane plane) {
    ObjectNode request = plane.request.deepCopy();
    if (!request.hasNonNull("notifyNote")) {
      // Whoever a plane's notifications reach learns that the plane is one of a fleet's.
      request.put("notifyNote", note(wave));
    }
    if (plane.resumeFrom != null) {
      request
          .putObject("resumeFrom")
          .put("workflowId", plane.workflowId)
          .put("runId", plane.resumeFrom);
    }
    GlooMeshUpgradeWorkflow child =
        Workflow.newChildWorkflowStub(
            GlooMeshUpgradeWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(plane.workflowId)
                // A fleet that ends, or is terminated, leaves its planes' runs to finish: each is
                // watched, approved and carried on as a single upgrade.
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                // Nor does a cancelled fleet cancel them.
                .setCancellationType(ChildWorkflowCancellationType.ABANDON)
                .setStaticSummary(
                    "%s: wave %s of fleet %s"
                        .formatted(plane.context, wave.spec.name(), book.name()))
                .build());
    plane.child = true;
    plane.followed = false;
    plane.over = false;
    plane.runId = "";
    plane.state = PlaneState.RUNNING;
    plane.note = plane.resumeFrom == null ? "" : "carries on run %s".formatted(plane.resumeFrom);
    Promise<UpgradeReport> result = Async.function(child::upgrade, (JsonNode) request);
    Workflow.getWorkflowExecution(child)
        .thenApply(
            started -> {
              if (plane.runId.isEmpty()) {
                plane.runId = started.getRunId();
              }
              answers.news();
              return null;
            })
        // A start that failed is told by the result below.
        .exceptionally(e -> null);
    result.handle(
        (report, failure) -> {
          ended(plane, report, failure);
          return null;
        });
    log.info(
        "fleet {}: wave {}: started the upgrade of {}{}",
        book.name(),
        wave.spec.name(),
        plane.context,
        plane.resumeFrom == null ? "" : " carrying on run " + plane.resumeFrom);
    book.changed();
  }

  /** At most 200 characters, one line, no URL: a fleet's and a wave's names are DNS labels. */
  private String note(FleetBook.Wave wave) {
    return book.snapshot().approval() == FleetApproval.PER_WAVE
        ? "wave %s of fleet %s: its approval is the wave's (gmu fleet approve)"
            .formatted(wave.spec.name(), book.name())
        : "wave %s of fleet %s".formatted(wave.spec.name(), book.name());
  }

  private void ended(Plane plane, UpgradeReport report, RuntimeException failure) {
    if (report != null) {
      plane.heard(
          report.outcome(),
          plane.step,
          "",
          report.summary(),
          report.verify() == null ? null : report.verify().overall());
    } else {
      plane.runState = FleetFailures.state(failure);
      plane.state = PlaneState.ENDED;
      plane.gate = "";
      plane.note = FleetFailures.why(failure);
    }
    plane.over = true;
    log.info(
        "fleet {}: {} ended {}{}",
        book.name(),
        plane.context,
        plane.runState == null ? plane.state : plane.runState,
        plane.note.isEmpty() ? "" : ": " + plane.note);
    answers.news();
  }

  /** With an approved wave: answers each plane's approval gate once, with the wave's approval. */
  private void answerGates(FleetBook.Wave wave) {
    WaveApproval approval = wave.approval;
    if (approval == null) {
      return;
    }
    for (Plane plane : wave.planes) {
      if (plane.state != PlaneState.WAITING_FOR_APPROVAL
          || plane.gate.isEmpty()
          || plane.gate.equals(plane.approvedGate)) {
        continue;
      }
      plane.approvedGate = plane.gate;
      GlooMeshUpgradeWorkflow run =
          Workflow.newExternalWorkflowStub(
              GlooMeshUpgradeWorkflow.class,
              WorkflowExecution.newBuilder()
                  .setWorkflowId(plane.workflowId)
                  .setRunId(plane.runId)
                  .build());
      try {
        run.approve(
            new Approval(
                approval.by(),
                "%s (wave %s of fleet %s)"
                    .formatted(approval.reason(), wave.spec.name(), book.name()),
                plane.gate));
        log.info(
            "fleet {}: {}'s gate {} answered with the approval of wave {} by {}",
            book.name(),
            plane.context,
            plane.gate,
            wave.spec.name(),
            approval.by());
      } catch (TemporalFailure e) {
        // Not answered: the next pass tries again.
        plane.approvedGate = "";
        book.warn(
            "the approval of wave %s could not reach %s: %s"
                .formatted(wave.spec.name(), plane.context, FleetFailures.why(e)));
      }
    }
  }
}
