package org.gloomeshupgrade.fleet;

import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.VerifyActivities;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.verify.VerifyInput;
import org.gloomeshupgrade.verify.VerifyReport;
import org.gloomeshupgrade.workflow.UpgradeActivityOptions;
import org.slf4j.Logger;

/**
 * A wave's soak: after its planes succeeded, the fleet waits {@code soak} on durable timers and
 * checks each upgraded plane {@link #FEWEST_CHECKS} to {@link #MOST_CHECKS} times along the way,
 * the last at its end, with the final report's own checks (read only: deployments available at the
 * target, networking resources accepted, discovery complete). A red check halts the fleet before
 * the next wave.
 */
final class WaveSoak {
  private static final Logger log = Workflow.getLogger(WaveSoak.class);

  /**
   * Checks per soak: six, more for a soak over an hour (one per 10 minutes), never more than 24, so
   * that a week's soak does not grow the fleet's history by thousands of events per plane.
   */
  static final int FEWEST_CHECKS = 6;

  static final int MOST_CHECKS = 24;

  private static final Duration CHECK_EVERY = Duration.ofMinutes(10);

  private final FleetBook book;
  private final FleetAnswers answers;
  private final VerifyActivities verify =
      Workflow.newActivityStub(VerifyActivities.class, UpgradeActivityOptions.verify());

  WaveSoak(FleetBook book, FleetAnswers answers) {
    this.book = book;
    this.answers = answers;
  }

  /**
   * @return false when a person stopped the fleet
   */
  boolean run(FleetBook.Wave wave, Duration soak) {
    long until = Workflow.currentTimeMillis() + soak.toMillis();
    wave.soakUntil = Instant.ofEpochMilli(until).toString();
    book.current(wave, WaveState.SOAKING);
    Duration gap = gap(soak);
    boolean now = false;
    while (true) {
      Duration left = Duration.ofMillis(until - Workflow.currentTimeMillis());
      if (!now && !left.isNegative() && !left.isZero()) {
        Workflow.sleep(left.compareTo(gap) < 0 ? left : gap);
      }
      now = false;
      List<String> red = check(wave);
      if (!red.isEmpty()) {
        book.halt(wave.spec.name(), "soak check red: " + String.join("; ", red));
        log.warn("fleet {}: wave {} soak check red: {}", book.name(), wave.spec.name(), red);
        answers.awaitAnswer();
        FleetAnswer answer = answers.take();
        if (answer.action() == FleetAction.STOP) {
          return false;
        }
        if (answer.action() == FleetAction.CONTINUE) {
          book.continuedPastRed(wave.spec.name());
          break;
        }
        now = true; // RECHECK
        continue;
      }
      if (Workflow.currentTimeMillis() >= until) {
        break;
      }
    }
    book.current(wave, WaveState.DONE);
    log.info("fleet {}: wave {} soaked", book.name(), wave.spec.name());
    return true;
  }

  static Duration gap(Duration soak) {
    long checks =
        Math.max(FEWEST_CHECKS, Math.min(MOST_CHECKS, soak.toMillis() / CHECK_EVERY.toMillis()));
    return soak.dividedBy(checks);
  }

  /** Every upgraded plane checked at once; the lines of the checks that are red. */
  private List<String> check(FleetBook.Wave wave) {
    List<Plane> upgraded = wave.planes.stream().filter(p -> p.state.upgraded()).toList();
    List<Promise<VerifyReport>> reports = new ArrayList<>();
    for (Plane plane : upgraded) {
      UpgradeRequest r = plane.parsed;
      reports.add(
          Async.function(
              verify::verify,
              new VerifyInput(
                  plane.context,
                  r.namespace(),
                  r.targetVersion(),
                  List.of(r.discoveryDeployment(), r.networkingDeployment()),
                  r.installMethod(),
                  r.meshctlPath(),
                  null)));
    }
    List<String> lines = new ArrayList<>();
    List<String> red = new ArrayList<>();
    for (int i = 0; i < upgraded.size(); i++) {
      Plane plane = upgraded.get(i);
      try {
        VerifyReport report = reports.get(i).get();
        plane.level = report.overall();
        for (VerifyCheck c : report.checks()) {
          if (c.level() == CheckLevel.GREEN) {
            continue;
          }
          String line = "%s: %s %s: %s".formatted(plane.context, c.name(), c.level(), c.detail());
          lines.add(line);
          if (c.level() == CheckLevel.RED) {
            red.add(line);
          }
        }
      } catch (ActivityFailure e) {
        plane.level = CheckLevel.RED;
        String line = "%s: the check failed: %s".formatted(plane.context, FleetFailures.why(e));
        lines.add(line);
        red.add(line);
      }
    }
    wave.checks = List.copyOf(lines);
    book.changed();
    return red;
  }
}
