package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.workflow.UpgradeRig.result;
import static org.gloomeshupgrade.workflow.UpgradeRig.step;

import java.util.List;
import java.util.stream.IntStream;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.NetworkingStatus;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Step 10: errors while networking starts are tolerated within the window; those that stay are
 * reported red.
 */
class NetworkingSteadyStateTest {
  private static final String INVALID =
      "TrafficPolicy bookinfo/reviews: INVALID (destination reviews.bookinfo not "
          + "found on cluster-2)";
  private static final NetworkingStatus ONE_INVALID = new NetworkingStatus(4, 3, List.of(INVALID));
  private static final NetworkingStatus ALL_ACCEPTED = new NetworkingStatus(4, 4, List.of());

  private final UpgradeRig rig = new UpgradeRig();
  private final FakeMesh mesh = rig.mesh;

  @AfterEach
  void stop() {
    rig.close();
  }

  @Test
  void errorsThatClearWithinTheWindowPassAndAreReportedAsTransient() throws Exception {
    mesh.networkingAnswers.addAll(List.of(ONE_INVALID, ONE_INVALID, ONE_INVALID, ALL_ACCEPTED));
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"requireApproval\":false,"
                + "\"discoveryPollInterval\":\"10s\"}");

    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(step(report, Step.NETWORKING).detail())
        .isEqualTo(
            "4 of 4 networking resources ACCEPTED; settled "
                + "after transient errors: TrafficPolicy bookinfo/reviews (INVALID (destination reviews.bookinfo not found on "
                + "cluster-2), ACCEPTED after 30s)");
    assertThat(wf.status().networking().recovered())
        .singleElement()
        .asString()
        .startsWith("TrafficPolicy bookinfo/reviews (INVALID");
    assertThat(wf.status().networking().polls()).isEqualTo(4);
    assertThat(report.verify().overall()).isEqualTo(CheckLevel.GREEN);
  }

  /**
   * A poll of 10,000 resources of which the first 50 not yet accepted are named, from {@code from}.
   */
  private static NetworkingStatus pending(int from, int accepted) {
    List<String> named =
        IntStream.range(from, from + NetworkingStatus.MAX_LISTED)
            .mapToObj("TrafficPolicy bookinfo/tp-%05d: INVALID (not yet)"::formatted)
            .toList();
    return new NetworkingStatus(10_000, accepted, named);
  }

  @Test
  void thousandsOfResourcesPassingThroughErrorsKeepTheStatusSmall() throws Exception {
    // 60 polls, each naming 50 resources not seen before: 3,000 that cleared.
    for (int poll = 0; poll < 60; poll++) {
      mesh.networkingAnswers.add(pending(poll * NetworkingStatus.MAX_LISTED, 7_000 + poll * 50));
    }
    mesh.networkingAnswers.add(new NetworkingStatus(10_000, 10_000, List.of()));
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"requireApproval\":false,"
                + "\"discoveryPollInterval\":\"10s\",\"networkingTimeout\":\"20m\"}");

    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(wf.status().networking().recovered()).hasSize(SettleWaits.RECOVERED_SHOWN);
    assertThat(step(report, Step.NETWORKING).detail())
        .startsWith("10000 of 10000 networking resources ACCEPTED; settled after transient errors:")
        .endsWith("; and %d more".formatted(SettleWaits.MAX_TRACKED - SettleWaits.RECOVERED_SHOWN));
  }

  @Test
  void thousandsStillPendingAreCountedNotListed() throws Exception {
    mesh.networkingAnswers.add(pending(0, 5_000));
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"requireApproval\":false,"
                + "\"networkingTimeout\":\"2m\"}");

    UpgradeStatus stuck = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.NETWORKING);
    assertThat(stuck.attention())
        .contains("TrafficPolicy bookinfo/tp-00049: INVALID (not yet); and 4950 more.");
    assertThat(stuck.networking().notAccepted()).hasSize(NetworkingStatus.MAX_LISTED);
  }

  @Test
  void aResourceThatStaysInvalidStopsTheStepAndEndsRedWithItsErrorsWhenSkipped() throws Exception {
    mesh.networkingAnswers.add(ONE_INVALID);
    GlooMeshUpgradeWorkflow wf =
        rig.start(
            "{\"targetVersion\":\"0.11.3\",\"requireApproval\":false,"
                + "\"networkingTimeout\":\"2m\"}");

    UpgradeStatus stuck = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    assertThat(stuck.currentStep()).isEqualTo(Step.NETWORKING);
    assertThat(stuck.attention()).contains("not ACCEPTED after 2m").contains(INVALID);
    assertThat(stuck.networking().notAccepted()).containsExactly(INVALID);
    assertThat(stuck.networking().recovered()).isEmpty();

    wf.decide(
        new StepDecision(
            Step.NETWORKING,
            Decision.SKIP,
            "gina",
            "look at it after the window",
            wf.status().gate()));
    UpgradeStatus verify =
        rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION && s.currentStep() == Step.VERIFY);
    assertThat(verify.attention()).contains("networking resources accepted RED").contains(INVALID);
    wf.decide(
        new StepDecision(
            Step.VERIFY, Decision.SKIP, "gina", "known; ticket NET-12", wf.status().gate()));

    UpgradeReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunState.FINISHED_WITH_PROBLEMS);
    assertThat(report.summary())
        .contains("finished with problems")
        .endsWith("final report RED (networking resources accepted RED)");
    VerifyCheck networking =
        report.verify().checks().stream()
            .filter(c -> c.name().equals("networking resources accepted"))
            .findFirst()
            .orElseThrow();
    assertThat(networking.level()).isEqualTo(CheckLevel.RED);
    assertThat(networking.detail()).contains(INVALID);
  }
}
