package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.preflight.PreflightReport;
import org.gloomeshupgrade.preflight.RegisteredCluster;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.EndState;
import org.gloomeshupgrade.verify.NetworkingStatus;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.junit.jupiter.api.Test;

/** Which steps of an earlier run still hold, judged from one read of the management plane. */
class EndStateJudgeTest {
  private static final PreflightReport BEFORE =
      new PreflightReport(
          "mgmt",
          "v1.29.0",
          "0.10.10",
          Map.of(),
          Map.of("discovery", 2, "networking", 0),
          Map.of("Mesh", 2),
          List.of(new RegisteredCluster("cluster-1", "cluster-1", "cluster-1", "cluster.local")),
          42,
          List.of());
  private static final VerifyCheck GREEN_CRDS =
      new VerifyCheck("CRDs at target version", CheckLevel.GREEN, "12 CRD(s) at 0.11.3", "");
  private static final VerifyCheck RED_PLANE =
      new VerifyCheck(
          "control plane version", CheckLevel.RED, "discovery and networking run 0.10.10", "");

  private static EndStateJudge judge(
      Map<String, Integer> replicas, Map<String, Integer> discovery, String approvalRefusal) {
    EndState seen =
        new EndState(
            replicas,
            replicas,
            GREEN_CRDS,
            RED_PLANE,
            List.of("cluster-1"),
            discovery,
            new NetworkingStatus(1, 0, List.of("TrafficPolicy gloo-mesh/tp: PENDING")));
    return new EndStateJudge(seen, BEFORE, "discovery", "networking", false, a -> approvalRefusal);
  }

  @Test
  void theScaleDownHoldsWhileBothDeploymentsAreAtZeroBeforeTheStepsThatScaleThemUp() {
    EndStateJudge judge = judge(Map.of("discovery", 0, "networking", 0), Map.of(), null);

    assertThat(judge.judge(Step.SCALE_DOWN, Step.REREGISTER, null).holds())
        .isEqualTo("networking at 0 replicas, discovery at 0 replicas");
    assertThat(
            judge(Map.of("discovery", 0, "networking", 1), Map.of(), null)
                .judge(Step.SCALE_DOWN, Step.REREGISTER, null)
                .wrong())
        .isEqualTo("networking at 1 replicas, not 0");
  }

  @Test
  void aStepThatNoLongerHoldsSaysWhatIsWrong() {
    EndStateJudge judge = judge(Map.of("discovery", 2), Map.of("Mesh", 1), null);

    assertThat(judge.judge(Step.DELETE_DISCOVERY, Step.CRDS, null).wrong())
        .isEqualTo("1 discovery resources {Mesh=1}");
    assertThat(judge.judge(Step.CONTROL_PLANE, Step.CONFORMANCE, null).wrong())
        .isEqualTo("discovery and networking run 0.10.10");
    assertThat(judge.judge(Step.CRDS, Step.CONTROL_PLANE, null).holds())
        .isEqualTo("12 CRD(s) at 0.11.3");
    assertThat(judge.judge(Step.REREGISTER, Step.DISCOVERY, null).holds())
        .isEqualTo("1 cluster(s) registered with their secrets");
  }

  @Test
  void discoveryHoldsAtItsCountWithAnAvailableReplicaAndItsInventoryBack() {
    assertThat(
            judge(Map.of("discovery", 2), Map.of("Mesh", 2), null)
                .judge(Step.DISCOVERY, Step.APPROVAL, null)
                .holds())
        .isEqualTo("discovery at 2 replicas, discovery {Mesh=2}");
    assertThat(
            judge(Map.of("discovery", 2), Map.of("Mesh", 1), null)
                .judge(Step.DISCOVERY, Step.APPROVAL, null)
                .wrong())
        .isEqualTo("discovery {Mesh=1} short of {Mesh=2}");
  }

  @Test
  void networkingIsScaledUpToAtLeastOneAndNeedsEveryResourceAccepted() {
    assertThat(
            judge(Map.of("networking", 1), Map.of(), null)
                .judge(Step.NETWORKING, Step.VERIFY, null)
                .wrong())
        .isEqualTo("networking resources not ACCEPTED: TrafficPolicy gloo-mesh/tp: PENDING");
  }

  @Test
  void anApprovalStandsOnlyWhenItsAuthorMayApproveThisRun() {
    Approval given = new Approval("olga", "CHG-1", "approval-x-1");

    assertThat(judge(Map.of(), Map.of(), null).judge(Step.APPROVAL, Step.NETWORKING, given).holds())
        .isEqualTo("approved by olga: CHG-1");
    assertThat(
            judge(Map.of(), Map.of(), "olga is not on the approver list [carol]")
                .judge(Step.APPROVAL, Step.NETWORKING, given)
                .wrong())
        .isEqualTo(
            "the approval does not stand for this run: olga is not on the approver list [carol]");
  }
}
