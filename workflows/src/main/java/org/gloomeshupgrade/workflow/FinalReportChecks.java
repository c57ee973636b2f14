package org.gloomeshupgrade.workflow;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.verify.VerifyReport;

/** The final report's checks the workflow knows itself, and its one-line summary. */
final class FinalReportChecks {
  static final String CONFORMANCE = "conformance";
  private static final int PROBLEMS_SHOWN = 3;

  private FinalReportChecks() {}

  /**
   * Green when every conformance check ended clean; yellow when a person accepted problems or
   * skipped a check.
   */
  static VerifyCheck conformance(List<ConformanceReview> reviews) {
    if (reviews.isEmpty()) {
      return new VerifyCheck(
          CONFORMANCE,
          CheckLevel.YELLOW,
          "the user's resources were not checked in this run",
          "Check the networking, settings and rbac resources against the changelog's breaking changes.");
    }
    List<ConformanceReview> skipped =
        reviews.stream().filter(r -> r.outcome() == ConformanceReview.Outcome.SKIPPED).toList();
    List<ConformanceReview> accepted =
        reviews.stream().filter(r -> r.outcome() == ConformanceReview.Outcome.ACCEPTED).toList();
    if (skipped.isEmpty() && accepted.isEmpty()) {
      return new VerifyCheck(
          CONFORMANCE,
          CheckLevel.GREEN,
          reviews.stream()
              .map(r -> r.resourcesChecked() + " resource(s) conform to " + r.against())
              .collect(Collectors.joining("; ")),
          "");
    }
    String detail =
        Stream.concat(accepted.stream(), skipped.stream())
            .map(
                r ->
                    r.problemCount()
                        + " problem(s) against "
                        + r.against()
                        + " "
                        + (r.outcome() == ConformanceReview.Outcome.ACCEPTED
                            ? "accepted"
                            : "skipped")
                        + " by "
                        + r.decidedBy()
                        + " ("
                        + r.reason()
                        + "): "
                        + r.problems().stream()
                            .limit(PROBLEMS_SHOWN)
                            .map(
                                p ->
                                    p.kind()
                                        + " "
                                        + p.namespace()
                                        + "/"
                                        + p.name()
                                        + " "
                                        + p.path()
                                        + " "
                                        + p.problem())
                            .collect(Collectors.joining("; "))
                        + (r.problemCount() > PROBLEMS_SHOWN ? "; ..." : ""))
            .collect(Collectors.joining(" | "));
    return new VerifyCheck(
        CONFORMANCE,
        CheckLevel.YELLOW,
        detail,
        "These resources do not fit the new schemas: the API server refuses their next write or drops the fields "
            + "listed. Fix each as its hint in the status says (status.conformance), then re-apply it.");
  }

  /** "GREEN", or the level and the checks that made it, for the run's summary line. */
  static String summary(VerifyReport report) {
    if (report == null) {
      return "not made";
    }
    List<String> notGreen =
        report.checks().stream()
            .filter(c -> c.level() != CheckLevel.GREEN)
            .map(c -> c.name() + " " + c.level())
            .toList();
    return report.overall() + (notGreen.isEmpty() ? "" : " (" + String.join(", ", notGreen) + ")");
  }
}
