package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApproverPolicyTest {
  private final ApproverPolicy listed = new ApproverPolicy(List.of("carol", "dave"), "erin", false);

  @Test
  void someoneOffTheListMayNeitherApproveNorReject() {
    assertThat(listed.refusal("mallory", true, "approve it"))
        .isEqualTo("mallory is not on the approver list [carol, dave]");
    assertThat(listed.refusal("mallory", false, "approve it")).isNotNull();
  }

  @Test
  void theListIgnoresCaseAndSurroundingSpace() {
    assertThat(listed.refusal(" Carol ", true, "approve it")).isNull();
  }

  @Test
  void theRequesterMayRejectButNotApproveUnlessSelfApprovalIsAllowed() {
    ApproverPolicy open = new ApproverPolicy(List.of(), "erin", false);

    assertThat(open.refusal("ERIN", true, "answer SKIP"))
        .isEqualTo(
            "ERIN requested this upgrade and may not answer SKIP (allowSelfApproval is false): another approver must");
    assertThat(open.refusal("erin", false, "approve it")).isNull();
    assertThat(new ApproverPolicy(List.of(), "erin", true).refusal("erin", true, "approve it"))
        .isNull();
  }

  @Test
  void onlySkipAcceptAndRollbackNeedAnApprover() {
    assertThat(ApproverPolicy.whyApproverNeeded(Decision.SKIP))
        .isEqualTo("SKIP goes past a failed check");
    assertThat(ApproverPolicy.whyApproverNeeded(Decision.ACCEPT))
        .isEqualTo("ACCEPT goes past a failed check");
    assertThat(ApproverPolicy.whyApproverNeeded(Decision.ROLLBACK))
        .isEqualTo("ROLLBACK scales networking back up without the approval");
    assertThat(ApproverPolicy.whyApproverNeeded(Decision.RETRY)).isNull();
    assertThat(ApproverPolicy.whyApproverNeeded(Decision.ABORT)).isNull();
  }

  @Test
  void theRuleNamesTheChoicesThatCountAsApprovalsAndWhoMayMakeThem() {
    assertThat(listed.rule(Step.CONFORMANCE, true, true))
        .isEqualTo(
            ". SKIP, ACCEPT and ROLLBACK count as approvals "
                + "(SKIP and ACCEPT go past a failed check; ROLLBACK scales networking back up without the approval): only "
                + "one of [carol, dave], not erin, who requested the upgrade");
    assertThat(listed.rule(Step.PREFLIGHT, false, false))
        .as("no choice counts at an unskippable step")
        .isEmpty();
    assertThat(new ApproverPolicy(List.of(), "", false).rule(Step.DISCOVERY, false, true))
        .as("anyone may, so no rule")
        .isEmpty();
  }
}
