package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.notify.NotificationDelivery;
import org.gloomeshupgrade.notify.NotificationEvent;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.verify.VerifyReport;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.ClusterRegistration;
import org.gloomeshupgrade.workflow.ConformanceReview;
import org.gloomeshupgrade.workflow.DiscoveryProgress;
import org.gloomeshupgrade.workflow.NetworkingProgress;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepState;
import org.gloomeshupgrade.workflow.StepStatus;
import org.junit.jupiter.api.Test;

class StatusRendererTest {
  private static List<StepStatus> steps(Step current, StepState currentState) {
    List<StepStatus> steps = new ArrayList<>();
    for (Step s : Step.values()) {
      StepState state =
          s.compareTo(current) < 0
              ? StepState.SUCCEEDED
              : s == current ? currentState : StepState.PENDING;
      steps.add(
          new StepStatus(
              s,
              state,
              "",
              "",
              state == StepState.SUCCEEDED ? 1500 : 0,
              state == StepState.SUCCEEDED ? "done " + s.title() : "",
              1));
    }
    return steps;
  }

  @Test
  void showsEachStepWithItsStateTimeAndWhatIsAwaited() {
    Statuses waiting =
        Statuses.of(
            RunState.WAITING_FOR_APPROVAL, Step.APPROVAL, steps(Step.APPROVAL, StepState.WAITING));
    waiting.discovery =
        new DiscoveryProgress(Map.of("Mesh", 2), Map.of("Mesh", 2), 3, "inventory back: {Mesh=2}");
    waiting.awaiting = "approval to scale networking up: gmu approve ...";
    waiting.warnings.add("skipping minor lines");

    String text = StatusRenderer.render(waiting.build());

    assertThat(text.lines().findFirst().orElseThrow())
        .isEqualTo(
            "Gloo Mesh 0.10.10 -> 0.11.3 on mgmt: WAITING_FOR_APPROVAL at step 9 (approval)");
    assertThat(text)
        .contains("  ok      2 scale down            1.5s done scale down")
        .contains("  WAIT    9 approval")
        .contains("discovery: {Mesh=2} of {Mesh=2} after 3 polls, inventory back: {Mesh=2}")
        .contains("awaiting approval to scale networking up: gmu approve ...")
        .contains("warning: skipping minor lines");
  }

  @Test
  void showsTheFailureAndTheVerifyReportWithHints() {
    Statuses stuck =
        Statuses.of(
            RunState.NEEDS_ATTENTION, Step.VERIFY, steps(Step.VERIFY, StepState.NEEDS_ATTENTION));
    stuck.awaiting = "a decision";
    stuck.attention = "step 11 (verify) failed: networking not accepted";
    stuck.approval = new Approval("alice", "CHG-1");
    stuck.decisions.add("CONFORMANCE: SKIP by bob (unused field)");
    stuck.verify =
        new VerifyReport(
            List.of(
                new VerifyCheck(
                    "networking resources accepted",
                    CheckLevel.RED,
                    "6 of 7",
                    "read status.errors")));

    String text = StatusRenderer.render(stuck.build());

    assertThat(text)
        .contains("  !!     11 verify")
        .contains("NEEDS ATTENTION: step 11 (verify) failed: networking not accepted")
        .contains("approved by alice: CHG-1")
        .contains("decision: CONFORMANCE: SKIP by bob (unused field)")
        .contains("final report: RED")
        .contains("RED    networking resources accepted  6 of 7 (hint: read status.errors)")
        .doesNotContain("discovery:");
  }

  @Test
  void showsEachConformanceCheckWithItsProblemsAndWhoAcceptedThem() {
    ConformanceProblem pruned =
        new ConformanceProblem(
            "TrafficPolicy",
            "bookinfo",
            "reviews",
            "$.spec.retries.x",
            "would be lost",
            "move it to spec.policy");
    Statuses accepted =
        Statuses.of(RunState.RUNNING, Step.REREGISTER, steps(Step.REREGISTER, StepState.RUNNING));
    accepted.discovery = null;
    accepted.conformance =
        List.of(
            new ConformanceReview(
                Step.PREFLIGHT,
                "the CRDs of 0.11.3 from the CRD source",
                1,
                10,
                List.of(),
                ConformanceReview.Outcome.CLEAN,
                "",
                "",
                List.of(),
                0),
            new ConformanceReview(
                Step.CONFORMANCE,
                "the installed CRDs",
                2,
                10,
                List.of(pruned),
                ConformanceReview.Outcome.ACCEPTED,
                "carol",
                "CHG-7",
                List.of(),
                0));
    accepted.networking =
        new NetworkingProgress(
            4, 3, List.of("TrafficPolicy bookinfo/p: INVALID (x)"), List.of(), 2, "");
    accepted.registrations =
        List.of(
            new ClusterRegistration(
                "east", "ctx-east", ClusterRegistration.State.REGISTERED, 1, "5 updated"),
            new ClusterRegistration(
                "west", "ctx-west", ClusterRegistration.State.SKIPPED, 2, "skipped by ops: gone"));

    String text = StatusRenderer.render(accepted.build());

    assertThat(text)
        .contains(
            "conformance at step 0 (preflight) against the CRDs of 0.11.3 from the CRD source: "
                + "CLEAN, 10 resource(s), 0 problem(s), 1 check(s)")
        .contains(
            "conformance at step 6 (conformance) against the installed CRDs: ACCEPTED, 10 resource(s), "
                + "1 problem(s), 2 check(s); accepted by carol: CHG-7")
        .contains(
            "  TrafficPolicy bookinfo/reviews $.spec.retries.x: would be lost (hint: move it to spec.policy)")
        .contains("networking: 3 of 4 ACCEPTED after 2 polls")
        .contains("  not yet: TrafficPolicy bookinfo/p: INVALID (x)")
        .contains("re-registration: 1 registered, 1 skipped")
        .contains("  SKIPPED    west (context ctx-west, 2 run(s)): skipped by ops: gone")
        .doesNotContain("  REGISTERED east");
  }

  @Test
  void namesTheRunItCarriesOnUnderTheHeadline() {
    Statuses resumed =
        Statuses.of(RunState.RUNNING, Step.CRDS, steps(Step.CRDS, StepState.RUNNING));
    resumed.resumedFrom = "gloo-mesh-upgrade-mgmt/3f1c";

    List<String> lines = StatusRenderer.render(resumed.build()).lines().toList();

    assertThat(lines.get(1)).isEqualTo("carries on run gloo-mesh-upgrade-mgmt/3f1c");
    assertThat(
            StatusRenderer.render(
                Statuses.of(RunState.RUNNING, Step.CRDS, steps(Step.CRDS, StepState.RUNNING))
                    .build()))
        .doesNotContain("carries on");
  }

  @Test
  void countsNotificationsAndNamesEachThatDidNotGoOut() {
    Statuses told =
        Statuses.of(RunState.SUCCEEDED, Step.VERIFY, steps(Step.VERIFY, StepState.SUCCEEDED));
    told.notifications.addAll(
        List.of(
            new NotificationDelivery(
                "w/r/1",
                NotificationEvent.GATE_OPENED,
                "chat",
                NotificationDelivery.Outcome.DELIVERED,
                "HTTP 200 in 30 ms"),
            new NotificationDelivery(
                "w/r/1",
                NotificationEvent.GATE_OPENED,
                "pager",
                NotificationDelivery.Outcome.FAILED,
                "pager: HTTP 500"),
            new NotificationDelivery(
                "w/r/2",
                NotificationEvent.RUN_ENDED,
                "chat",
                NotificationDelivery.Outcome.DELIVERED,
                "HTTP 200 in 31 ms")));

    assertThat(StatusRenderer.render(told.build()).lines())
        .contains(
            "notifications: 2 delivered, 1 failed",
            "  not delivered: gate-opened to pager: pager: HTTP 500");
    assertThat(
            StatusRenderer.render(
                Statuses.of(RunState.RUNNING, Step.CRDS, steps(Step.CRDS, StepState.RUNNING))
                    .build()))
        .doesNotContain("notifications");
  }
}
