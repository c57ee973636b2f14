package org.gloomeshupgrade.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.notify.NotificationDelivery;
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
import org.gloomeshupgrade.workflow.UpgradeStatus;

/**
 * UpgradeStatus values for tests. The record is only ever constructed in {@link #build()}, so a
 * field added to it changes one line here.
 */
final class Statuses {
  RunState state = RunState.RUNNING;
  Step currentStep = Step.PREFLIGHT;
  List<StepStatus> steps = new ArrayList<>();
  DiscoveryProgress discovery = new DiscoveryProgress(Map.of(), Map.of(), 0, "");
  String awaiting = "";
  String attention = "";
  Approval approval;
  List<String> decisions = new ArrayList<>();
  List<String> warnings = new ArrayList<>();
  VerifyReport verify;
  List<ConformanceReview> conformance = new ArrayList<>();
  NetworkingProgress networking;
  List<ClusterRegistration> registrations = new ArrayList<>();
  String resumedFrom = "";
  List<NotificationDelivery> notifications = new ArrayList<>();

  /** A run from 0.10.10 to 0.11.3 on the management context {@code mgmt}. */
  static Statuses of(RunState state, Step currentStep, List<StepStatus> steps) {
    Statuses s = new Statuses();
    s.state = state;
    s.currentStep = currentStep;
    s.steps = steps;
    return s;
  }

  /**
   * Every step before {@code current} succeeded in 1.5 s, each ending a minute after {@code
   * currentStarted} minus its distance; {@code current} in {@code state}, started at {@code
   * currentStarted}; the rest pending.
   */
  static List<StepStatus> stepsUpTo(Step current, StepState state, Instant currentStarted) {
    List<StepStatus> steps = new ArrayList<>();
    for (Step s : Step.values()) {
      if (s.compareTo(current) < 0) {
        Instant end = currentStarted.minusSeconds(60L * (current.ordinal() - s.ordinal()));
        steps.add(
            new StepStatus(
                s,
                StepState.SUCCEEDED,
                end.minusMillis(1500).toString(),
                end.toString(),
                1500,
                "done " + s.title(),
                1));
      } else if (s == current) {
        steps.add(new StepStatus(s, state, currentStarted.toString(), "", 0, "", 1));
      } else {
        steps.add(new StepStatus(s, StepState.PENDING, "", "", 0, "", 0));
      }
    }
    return steps;
  }

  UpgradeStatus build() {
    return new UpgradeStatus(
        state,
        "mgmt",
        "0.10.10",
        "0.11.3",
        currentStep,
        List.copyOf(steps),
        discovery,
        awaiting,
        attention,
        approval,
        List.copyOf(decisions),
        List.copyOf(warnings),
        verify,
        null,
        List.copyOf(conformance),
        networking,
        List.copyOf(registrations),
        awaiting.isEmpty() ? "" : "approval-0000-1",
        resumedFrom,
        null,
        awaiting.isEmpty() ? "" : "2026-01-01T00:00:00Z",
        List.copyOf(notifications));
  }
}
