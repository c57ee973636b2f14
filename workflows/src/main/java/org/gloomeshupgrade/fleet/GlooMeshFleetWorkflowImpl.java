package org.gloomeshupgrade.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import org.gloomeshupgrade.request.InvalidRequestException;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.slf4j.Logger;

/**
 * The fleet as a workflow (docs/fleet.md): the waves in order, each wave's planes as child
 * upgrades, then its soak. Workflow code only. This class says in which order things happen and
 * hands each message to the part that owns it; handlers only record, and the loops act.
 */
public final class GlooMeshFleetWorkflowImpl implements GlooMeshFleetWorkflow {
  private static final Logger log = Workflow.getLogger(GlooMeshFleetWorkflowImpl.class);

  private final FleetBook book = new FleetBook();
  private final FleetAnswers answers = new FleetAnswers(book);
  private final WavePlanes planes = new WavePlanes(book, answers);
  private final WaveSoak soak = new WaveSoak(book, answers);
  private final FleetPublisher publisher = new FleetPublisher(book);
  private FleetRequest request;

  @Override
  public FleetReport upgrade(JsonNode rawRequest, FleetResume resume) {
    book.resumedFrom(resume);
    publisher.start(resume);
    request = accept(rawRequest);
    List<String> soakedBefore = resume == null ? List.of() : resume.soakedWaves();
    try {
      for (FleetBook.Wave wave : book.waves()) {
        boolean goOn =
            planes.run(wave, soakedBefore.contains(wave.spec.name()))
                && (wave.state == WaveState.SKIPPED || soak.run(wave, request.soak()));
        if (!goOn) {
          return stopped();
        }
        publisher.soaked(wave);
      }
    } catch (CanceledFailure e) {
      // Cancelled from the UI or CLI: the record says so; the planes' runs go on (ABANDON).
      book.warn("the fleet was cancelled; the planes' runs still going on finish on their own");
      book.end(FleetState.STOPPED);
      throw e;
    } catch (TemporalFailure e) {
      book.warn("the fleet failed: %s".formatted(FleetFailures.why(e)));
      book.end(FleetState.FAILED);
      throw e;
    }
    return finished();
  }

  private FleetRequest accept(JsonNode rawRequest) {
    FleetRequest accepted;
    try {
      accepted = FleetRequestParser.parse(rawRequest);
    } catch (InvalidRequestException e) {
      book.warn("request refused: " + e.getMessage());
      book.end(FleetState.FAILED);
      log.warn("fleet request refused: {}", e.getMessage());
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.INVALID_REQUEST);
    }
    List<Plane> all = new ArrayList<>();
    for (FleetWave wave : accepted.waves()) {
      for (String context : wave.contexts()) {
        var json = accepted.requestFor(context);
        all.add(
            new Plane(
                context,
                wave.name(),
                json,
                UpgradeRequestParser.parse(json, UpgradeRequestParser.Rules.ALL)));
      }
    }
    book.accepted(accepted, all);
    log.info(
        "fleet {}: {} planes in {} waves to {}",
        accepted.name(),
        all.size(),
        accepted.waves().size(),
        accepted.targetVersion());
    return accepted;
  }

  private FleetReport stopped() {
    FleetHalt last = book.snapshot().halts().get(book.snapshot().halts().size() - 1);
    book.end(FleetState.STOPPED);
    String summary =
        "fleet %s stopped by %s (%s) in wave %s: %s"
            .formatted(request.name(), last.by(), last.why(), last.wave(), upgradedCount());
    log.info(summary);
    return new FleetReport(FleetState.STOPPED, summary, book.snapshot());
  }

  private FleetReport finished() {
    boolean all =
        book.waves().stream().flatMap(w -> w.planes.stream()).allMatch(p -> p.state.upgraded())
            && !book.continuedPastRed();
    FleetState end = all ? FleetState.SUCCEEDED : FleetState.FINISHED_WITH_PROBLEMS;
    book.end(end);
    long halts = book.snapshot().halts().size();
    String summary =
        "fleet %s %s: %s in %d waves%s"
            .formatted(
                request.name(),
                all ? "succeeded" : "finished with problems",
                upgradedCount(),
                request.waves().size(),
                halts == 0 ? "" : ", after %d halt%s".formatted(halts, halts == 1 ? "" : "s"));
    log.info(summary);
    return new FleetReport(end, summary, book.snapshot());
  }

  private String upgradedCount() {
    List<Plane> all = book.waves().stream().flatMap(w -> w.planes.stream()).toList();
    long upgraded = all.stream().filter(p -> p.state.upgraded()).count();
    long before = all.stream().filter(p -> p.state == PlaneState.ALREADY_UPGRADED).count();
    return "%d of %d planes at %s%s"
        .formatted(
            upgraded,
            all.size(),
            request.targetVersion(),
            before == 0 ? "" : " (%d upgraded before this run)".formatted(before));
  }

  @Override
  public void planeChanged(PlaneChange change) {
    planes.heard(change);
  }

  @Override
  public void validateApproveWave(WaveApproval approval) {
    refuseIf(answers.waveRefusal(approval));
  }

  @Override
  public String approveWave(WaveApproval approval) {
    return answers.approveWave(approval);
  }

  @Override
  public void validateContinueFleet(FleetAnswer answer) {
    refuseIf(answers.refusal(answer));
  }

  @Override
  public String continueFleet(FleetAnswer answer) {
    return answers.answer(answer);
  }

  @Override
  public FleetStatus status() {
    return book.snapshot();
  }

  private static void refuseIf(String refusal) {
    if (refusal != null) {
      throw new IllegalStateException(refusal);
    }
  }
}
