package org.gloomeshupgrade.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
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

  /** How often the fleet looks at a run it follows but did not start, while it waits. */
  static final Duration FOLLOW_CHECK = Duration.ofMinutes(5);

  private final FleetBook book;
  private final FleetAnswers answers;
  private final FleetActivities lookup =
      Workflow.newActivityStub(FleetActivities.class, UpgradeActivityOptions.fleetLookup());

  /** The problems a person continued past, by {@link Plane#problem()}. */
  private final Set<String> accepted = new HashSet<>();

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
    Deque<Plane> waiting = new ArrayDeque<>();
    wave.planes.stream().filter(p -> p.state == PlaneState.PENDING).forEach(waiting::add);
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
      if (!problems.isEmpty() && book.openHalt() == null) {
        halt(wave, problems);
      }
      boolean halted = book.openHalt() != null;
      if (!halted) {
        while (running(wave) < wave.spec.concurrency() && !waiting.isEmpty()) {
          start(wave, waiting.poll());
        }
      }
      answerGates(wave);
      if (!halted && waiting.isEmpty() && wave.planes.stream().allMatch(this::done)) {
        return true;
      }
      List<Plane> followed =
          wave.planes.stream().filter(p -> !p.child && !p.over && !p.settled()).toList();
      if (followed.isEmpty()) {
        answers.awaitNewsAfter(seen);
      } else if (!answers.awaitNewsAfter(seen, FOLLOW_CHECK)) {
        // A run this fleet did not start may end without a word (terminated by hand): look.
        followed.forEach(this::lookAgain);
      }
    }
  }

  /** A followed run's latest state; one that ended without telling the fleet is over. */
  private void lookAgain(Plane plane) {
    PlaneRun latest = lookup.latestPlaneRun(plane.context);
    if (latest == null || latest.open() || !latest.runId().equals(plane.runId)) {
      if (latest != null && latest.open() && latest.runId().equals(plane.runId)) {
        plane.heard(latest.state(), latest.step(), latest.gate(), plane.note, latest.level());
        book.changed();
      }
      return;
    }
    plane.over = true;
    if (latest.state() == RunState.SUCCEEDED) {
      plane.heard(RunState.SUCCEEDED, plane.step, "", "", latest.level());
    } else {
      plane.runState = latest.state();
      plane.state = PlaneState.ENDED;
      plane.note = "the run ended %s without telling the fleet".formatted(latest.state());
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
    answers.news();
  }

  private boolean act(FleetBook.Wave wave, FleetAnswer answer) {
    switch (answer.action()) {
      case STOP -> {
        return false;
      }
      case CONTINUE ->
          wave.planes.stream().map(Plane::problem).filter(p -> p != null).forEach(accepted::add);
      case RECHECK ->
          wave.planes.stream()
              .filter(p -> p.problem() != null && (p.over || p.state == PlaneState.BUSY))
              .forEach(this::lookUp);
    }
    return true;
  }

  private void halt(FleetBook.Wave wave, List<Plane> problems) {
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
    book.halt(wave.spec.name(), reason);
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
    PlaneRun latest = lookup.latestPlaneRun(plane.context);
    String target = book.snapshot().targetVersion();
    plane.resumeFrom = null;
    if (latest == null) {
      plane.state = PlaneState.PENDING;
    } else if (latest.open() && target.equals(latest.targetVersion())) {
      // Started by an earlier run of this fleet: followed, not started again. Its news now comes
      // here, since a plane's run tells the fleet's latest run.
      plane.runId = latest.runId();
      plane.child = false;
      plane.over = false;
      plane.heard(latest.state(), latest.step(), latest.gate(), "", latest.level());
      plane.note = "followed: started before this run of the fleet";
    } else if (latest.open()) {
      plane.runId = latest.runId();
      plane.state = PlaneState.BUSY;
      plane.note =
          "a run to %s is in progress: the fleet does not start another"
              .formatted(latest.targetVersion());
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
      if (target.equals(latest.targetVersion()) && !NOTHING_TO_CARRY_ON.contains(latest.state())) {
        plane.resumeFrom = latest.runId();
      }
    }
    book.changed();
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
                .setStaticSummary(
                    "%s: wave %s of fleet %s"
                        .formatted(plane.context, wave.spec.name(), book.name()))
                .build());
    plane.child = true;
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
            });
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
        book.warn(
            "the approval of wave %s could not reach %s: %s"
                .formatted(wave.spec.name(), plane.context, FleetFailures.why(e)));
      }
    }
  }
}
