package org.gloomeshupgrade.workflow;

import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.conformance.ConformanceReport;
import org.slf4j.Logger;

/**
 * Checks the user's resources until they conform, or until a person accepts the problems found (who
 * and why are recorded), skips the check (where the step may be skipped) or aborts. After fixing
 * the resources, a person asks for a re-check with RETRY. Problems a person accepted once are not
 * asked about again.
 */
final class ConformanceReviewer {
  private static final Logger log = Workflow.getLogger(ConformanceReviewer.class);
  private static final int PROBLEMS_IN_MESSAGES = 10;

  private final RunBook book;
  private final StepRunner steps;

  ConformanceReviewer(RunBook book, StepRunner steps) {
    this.book = book;
    this.steps = steps;
  }

  /**
   * @param against what the resources are checked against, for people
   */
  ConformanceReview review(Step step, String against, Supplier<ConformanceReport> check) {
    int checks = 0;
    while (true) {
      ConformanceReport r = check.get();
      checks++;
      if (r.clean()) {
        return record(step, against, checks, r, ConformanceReview.Outcome.CLEAN, "", "");
      }
      Optional<ConformanceReview> acceptedBefore =
          r.problemsUnlisted() > 0 ? Optional.empty() : acceptedEarlier(r.problems());
      if (acceptedBefore.isPresent()) {
        // The same problems a person accepted in preflight: asking again would add nothing.
        ConformanceReview earlier = acceptedBefore.get();
        return record(
            step,
            against,
            checks,
            r,
            ConformanceReview.Outcome.ACCEPTED,
            earlier.decidedBy(),
            "accepted at %s: %s".formatted(earlier.step().label(), earlier.reason()));
      }
      record(step, against, checks, r, ConformanceReview.Outcome.PROBLEMS, "", "");
      String why = problems(r, against);
      StepDecision d = steps.decide(step, why, true);
      switch (d.decision()) {
        case ACCEPT -> {
          ConformanceReview accepted =
              record(
                  step, against, checks, r, ConformanceReview.Outcome.ACCEPTED, d.by(), d.reason());
          book.running(step);
          return accepted;
        }
        case SKIP -> {
          book.skipped(step, StepRunner.skippedAfter(d, why));
          return record(
              step, against, checks, r, ConformanceReview.Outcome.SKIPPED, d.by(), d.reason());
        }
        default -> {
          log.info("{}: re-check asked for by {}", step.label(), d.by());
          book.running(step);
        }
      }
    }
  }

  private ConformanceReview record(
      Step step,
      String against,
      int checks,
      ConformanceReport r,
      ConformanceReview.Outcome outcome,
      String by,
      String reason) {
    ConformanceReview review =
        new ConformanceReview(
            step,
            against,
            checks,
            r.resourcesChecked(),
            outcome == ConformanceReview.Outcome.CLEAN ? List.of() : r.problems(),
            outcome,
            by,
            reason,
            r.leftToChart(),
            outcome == ConformanceReview.Outcome.CLEAN ? 0 : r.problemsUnlisted());
    book.conformance(review);
    return review;
  }

  private static String problems(ConformanceReport r, String against) {
    long resources =
        r.problems().stream()
            .map(p -> p.kind() + " " + p.namespace() + "/" + p.name())
            .distinct()
            .count();
    return "%d conformance problem(s) in %s resource(s) against %s: %s%s"
        .formatted(
            r.problemCount(),
            r.problemsUnlisted() > 0 ? "at least " + resources : String.valueOf(resources),
            against,
            r.problems().stream()
                .limit(PROBLEMS_IN_MESSAGES)
                .map(Messages::describe)
                .collect(Collectors.joining("; ")),
            r.problemCount() <= PROBLEMS_IN_MESSAGES
                ? ""
                : r.problemsUnlisted() == 0
                    ? "; all of them are in the status"
                    : "; the first %d are in the status".formatted(r.problems().size()));
  }

  /**
   * The earlier review in which a person accepted every one of these problems (same resource and
   * path), if any.
   */
  private Optional<ConformanceReview> acceptedEarlier(List<ConformanceProblem> problems) {
    for (ConformanceReview earlier : book.conformanceReviews()) {
      if (earlier.outcome() != ConformanceReview.Outcome.ACCEPTED) {
        continue;
      }
      Set<String> accepted =
          earlier.problems().stream().map(Messages::where).collect(Collectors.toSet());
      if (problems.stream().map(Messages::where).allMatch(accepted::contains)) {
        return Optional.of(earlier);
      }
    }
    return Optional.empty();
  }
}
