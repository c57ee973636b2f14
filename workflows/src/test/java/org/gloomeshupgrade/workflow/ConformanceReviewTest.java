package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.gloomeshupgrade.workflow.UpgradeRig.result;
import static org.gloomeshupgrade.workflow.UpgradeRig.step;

import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Conformance problems stop the run for a person, who fixes and re-checks, or accepts them on the
 * record.
 */
class ConformanceReviewTest {
  private static final ConformanceProblem PRUNED =
      new ConformanceProblem(
          "TrafficPolicy",
          "bookinfo",
          "reviews",
          "$.spec.retries.perTryTimeoutMs",
          "would be pruned by the new schema: the value is lost on the next write",
          "Move it to spec.policy.retries.perTryTimeout.");
  private static final String NO_APPROVAL =
      "{\"targetVersion\":\"0.11.3\",\"requireApproval\":false}";

  private final UpgradeRig rig = new UpgradeRig();
  private final FakeMesh mesh = rig.mesh;

  @AfterEach
  void stop() {
    rig.close();
  }

  private static ConformanceReview review(UpgradeStatus s, Step step) {
    return s.conformance().stream().filter(r -> r.step() == step).findFirst().orElseThrow();
  }

  @Test
  void problemsAfterTheNewCrdsStopTheRunUntilTheResourcesAreFixedAndReChecked() throws Exception {
    mesh.conformanceProblems.add(PRUNED);
    GlooMeshUpgradeWorkflow wf = rig.start(NO_APPROVAL);

    UpgradeStatus stuck = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.currentStep()).isEqualTo(Step.CONFORMANCE);
    assertThat(review(stuck, Step.CONFORMANCE))
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(ConformanceReview.Outcome.PROBLEMS);
              assertThat(r.problems()).containsExactly(PRUNED);
              assertThat(r.against()).isEqualTo("the installed CRDs");
            });
    assertThat(stuck.attention())
        .contains("1 conformance problem(s) in 1 resource(s)")
        .contains("TrafficPolicy bookinfo/reviews $.spec.retries.perTryTimeoutMs");
    assertThat(stuck.awaiting())
        .contains("--decision RETRY")
        .contains("--decision ACCEPT --by <you> --reason <why>");
    env().sleep(Duration.ofMinutes(30));
    assertThat(mesh.calls).doesNotContain("reRegister cluster-1");

    // Re-checked before the fix: still stopped, with the check counted.
    wf.decideNow(
        new StepDecision(Step.CONFORMANCE, Decision.RETRY, "carol", "", wf.status().gate()));
    UpgradeStatus again =
        rig.await(
            wf,
            s ->
                s.state() == RunState.NEEDS_ATTENTION && review(s, Step.CONFORMANCE).checks() == 2);
    assertThat(review(again, Step.CONFORMANCE).outcome())
        .isEqualTo(ConformanceReview.Outcome.PROBLEMS);

    mesh.conformanceProblems.clear();
    wf.decideNow(
        new StepDecision(
            Step.CONFORMANCE, Decision.RETRY, "carol", "moved the field", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(mesh.calls.stream().filter("conformance"::equals)).hasSize(3);
    assertThat(report.conformance())
        .filteredOn(r -> r.step() == Step.CONFORMANCE)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(ConformanceReview.Outcome.CLEAN);
              assertThat(r.checks()).isEqualTo(3);
            });
    assertThat(step(report, Step.CONFORMANCE).detail())
        .isEqualTo(
            "conformance: 5 resource(s) checked against the installed CRDs (3 checks), all conform");
    assertThat(report.decisions())
        .containsExactly(
            "CONFORMANCE: RETRY by carol", "CONFORMANCE: RETRY by carol (moved the field)");
    assertThat(report.verify().checks())
        .filteredOn(c -> c.name().equals("conformance"))
        .singleElement()
        .extracting(VerifyCheck::level)
        .isEqualTo(CheckLevel.GREEN);
  }

  @Test
  void anExplicitAcceptLetsTheRunGoOnAndRecordsWhoAndWhy() throws Exception {
    mesh.conformanceProblems.add(PRUNED);
    GlooMeshUpgradeWorkflow wf = rig.start(NO_APPROVAL);
    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.CONFORMANCE, Decision.ACCEPT, "carol", " ", wf.status().gate())))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("\"reason\" is required to ACCEPT");
    String answer =
        wf.decideNow(
            new StepDecision(
                Step.CONFORMANCE,
                Decision.ACCEPT,
                "carol",
                "CHG-7: per-try timeouts are not used",
                wf.status().gate()));
    assertThat(answer).contains("ACCEPT");

    UpgradeReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.conformance())
        .filteredOn(r -> r.step() == Step.CONFORMANCE)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(ConformanceReview.Outcome.ACCEPTED);
              assertThat(r.decidedBy()).isEqualTo("carol");
              assertThat(r.reason()).isEqualTo("CHG-7: per-try timeouts are not used");
              assertThat(r.problems()).containsExactly(PRUNED);
            });
    assertThat(report.decisions())
        .containsExactly("CONFORMANCE: ACCEPT by carol (CHG-7: per-try timeouts are not used)");
    assertThat(step(report, Step.CONFORMANCE).state()).isEqualTo(StepState.SUCCEEDED);
    assertThat(step(report, Step.CONFORMANCE).detail()).contains("1 problem(s) accepted by carol");
    VerifyCheck conformance =
        report.verify().checks().stream()
            .filter(c -> c.name().equals("conformance"))
            .findFirst()
            .orElseThrow();
    assertThat(conformance.level()).isEqualTo(CheckLevel.YELLOW);
    assertThat(conformance.detail())
        .contains("accepted by carol")
        .contains("$.spec.retries.perTryTimeoutMs");
    assertThat(conformance.hint()).isNotBlank();
    assertThat(report.summary()).endsWith("final report YELLOW (conformance YELLOW)");
  }

  @Test
  void problemsAgainstTheTargetCrdsStopTheRunInPreflightBeforeAnythingChanges() throws Exception {
    mesh.targetConformanceProblems.add(PRUNED);
    GlooMeshUpgradeWorkflow wf = rig.start("{\"targetVersion\":\"0.11.3\"}");

    UpgradeStatus stuck = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.currentStep()).isEqualTo(Step.PREFLIGHT);
    assertThat(review(stuck, Step.PREFLIGHT).against())
        .isEqualTo("the CRDs of 0.11.3 from the CRD source");
    assertThat(stuck.awaiting()).doesNotContain("SKIP");
    env().sleep(Duration.ofHours(1));
    assertThat(mesh.mutatingCalls()).as("nothing changed while the run waits").isEmpty();
    assertThat(mesh.replicas).containsEntry("networking", 1).containsEntry("discovery", 1);

    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.PREFLIGHT, Decision.SKIP, "dan", "in a hurry", wf.status().gate())))
        .rootCause()
        .hasMessageContaining("cannot be skipped: fix the resources and RETRY to re-check, ACCEPT");
    wf.decideNow(
        new StepDecision(
            Step.PREFLIGHT,
            Decision.ACCEPT,
            "dan",
            "the field is re-added after",
            wf.status().gate()));

    UpgradeStatus waiting = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(review(waiting, Step.PREFLIGHT).outcome())
        .isEqualTo(ConformanceReview.Outcome.ACCEPTED);
    assertThat(review(waiting, Step.CONFORMANCE).outcome())
        .isEqualTo(ConformanceReview.Outcome.CLEAN);
    assertThat(step(waiting, Step.PREFLIGHT).state()).isEqualTo(StepState.SUCCEEDED);
    assertThat(step(waiting, Step.PREFLIGHT).detail()).contains("1 problem(s) accepted by dan");
    assertThat(mesh.calls)
        .containsSubsequence("preflight ", "conformance to target 0.11.3", "tooling HELM");
    assertThat(mesh.calls.stream().filter(c -> c.startsWith("preflight")))
        .as("preflight itself ran once")
        .hasSize(1);
  }

  @Test
  void problemsAcceptedInPreflightDoNotStopTheRunAgainAfterTheNewCrdsButNewOnesDo()
      throws Exception {
    mesh.targetConformanceProblems.add(PRUNED);
    mesh.conformanceProblems.add(PRUNED);
    GlooMeshUpgradeWorkflow wf = rig.start(NO_APPROVAL);
    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    wf.decideNow(
        new StepDecision(
            Step.PREFLIGHT, Decision.ACCEPT, "dan", "known, CHG-9", wf.status().gate()));

    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.conformance())
        .filteredOn(r -> r.step() == Step.CONFORMANCE)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(ConformanceReview.Outcome.ACCEPTED);
              assertThat(r.decidedBy()).isEqualTo("dan");
              assertThat(r.reason()).isEqualTo("accepted at step 0 (preflight): known, CHG-9");
            });
    assertThat(report.decisions()).containsExactly("PREFLIGHT: ACCEPT by dan (known, CHG-9)");
  }

  @Test
  void anAcceptanceIsNotCarriedOverToACheckThatDoesNotListEveryProblem() throws Exception {
    mesh.targetConformanceProblems.add(PRUNED);
    mesh.conformanceProblems.add(PRUNED);
    // The same first problem, and 500 more the report counts without naming.
    mesh.conformanceUnlisted = 500;
    GlooMeshUpgradeWorkflow wf = rig.start(NO_APPROVAL);
    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    wf.decideNow(
        new StepDecision(
            Step.PREFLIGHT, Decision.ACCEPT, "dan", "known, CHG-9", wf.status().gate()));

    UpgradeStatus stuck =
        rig.await(
            wf, s -> s.state() == RunState.NEEDS_ATTENTION && s.currentStep() == Step.CONFORMANCE);

    assertThat(stuck.attention())
        .startsWith(
            "step 6 (conformance) failed: 501 conformance problem(s) in at least 1 resource(s)")
        .contains("the first 1 are in the status");
    assertThat(stuck.conformance())
        .filteredOn(r -> r.step() == Step.CONFORMANCE)
        .singleElement()
        .satisfies(r -> assertThat(r.problemCount()).isEqualTo(501));
  }

  @Test
  void aProblemNotAcceptedInPreflightStopsTheRunAfterTheNewCrds() throws Exception {
    mesh.targetConformanceProblems.add(PRUNED);
    mesh.conformanceProblems.addAll(
        List.of(
            PRUNED,
            new ConformanceProblem(
                "Settings",
                "gloo-mesh",
                "settings",
                "$.spec.mtls",
                "wrong type",
                "make it an object")));
    GlooMeshUpgradeWorkflow wf = rig.start(NO_APPROVAL);
    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    wf.decideNow(
        new StepDecision(
            Step.PREFLIGHT, Decision.ACCEPT, "dan", "known, CHG-9", wf.status().gate()));

    UpgradeStatus stuck =
        rig.await(
            wf, s -> s.state() == RunState.NEEDS_ATTENTION && s.currentStep() == Step.CONFORMANCE);
    assertThat(stuck.attention()).contains("Settings gloo-mesh/settings $.spec.mtls");
  }

  @Test
  void acceptIsRefusedForAStepThatFailedForAnotherReason() throws Exception {
    mesh.discoveryComesBack.set(false);
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"discoveryTimeout\":\"1m\",\"discoverySettleWindow\":\"30s\"}");
    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThatThrownBy(
            () ->
                wf.decideNow(
                    new StepDecision(
                        Step.DISCOVERY, Decision.ACCEPT, "erin", "looks fine", wf.status().gate())))
        .rootCause()
        .hasMessageContaining(
            "ACCEPT is for conformance problems only: step DISCOVERY failed for "
                + "another reason");
  }

  @Test
  void abortingThePreflightReviewEndsTheRunWithNothingChanged() throws Exception {
    mesh.targetConformanceProblems.add(PRUNED);
    GlooMeshUpgradeWorkflow wf = rig.start("{\"targetVersion\":\"0.11.3\"}");
    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    wf.decide(
        new StepDecision(
            Step.PREFLIGHT, Decision.ABORT, "dan", "fix the policies first", wf.status().gate()));

    assertThat(UpgradeRig.failureOf(wf).getType()).isEqualTo(FailureTypes.ABORTED);
    assertThat(wf.status().state()).isEqualTo(RunState.ABORTED);
    assertThat(mesh.mutatingCalls()).isEmpty();
    assertThat(mesh.calls).doesNotContain("tooling HELM");
  }

  private TestWorkflowEnvironment env() {
    return rig.env;
  }
}
