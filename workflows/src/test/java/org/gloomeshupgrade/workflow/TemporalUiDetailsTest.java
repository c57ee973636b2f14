package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowStub;
import java.util.List;
import org.gloomeshupgrade.conformance.ConformanceProblem;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the Temporal UI shows of a run: its current details, kept up to date, and the plan a client
 * starts it with.
 */
class TemporalUiDetailsTest {
  private final UpgradeRig rig = new UpgradeRig();

  @AfterEach
  void stop() {
    rig.close();
  }

  /** The UI reads current details through the SDK's built-in metadata query. */
  static String currentDetails(GlooMeshUpgradeWorkflow wf) {
    return WorkflowStub.fromTyped(wf)
        .query("__temporal_workflow_metadata", WorkflowMetadata.class)
        .getCurrentDetails();
  }

  @Test
  void currentDetailsFollowTheRunAndSayHowToAnswerWhatItWaitsFor() throws Exception {
    rig.mesh.conformanceProblems.add(
        new ConformanceProblem("TrafficPolicy", "a", "b", "$.spec.x", "unknown", "remove it"));
    GlooMeshUpgradeWorkflow wf = rig.start("{\"targetVersion\":\"0.11.3\"}");

    UpgradeStatus stuck = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);
    String attention = currentDetails(wf);
    assertThat(attention)
        .startsWith("**Gloo Mesh 0.10.10 → 0.11.3 on mgmt: NEEDS_ATTENTION**")
        .contains("Step 6 of 11, conformance")
        .contains("**Needs attention:** step 6 (conformance) failed: 1 conformance problem(s)")
        .contains(
            "gmu decide --workflow-id "
                + UpgradeRig.ID
                + " --step CONFORMANCE --gate "
                + stuck.gate())
        .contains("| 5 control plane | SUCCEEDED |")
        .doesNotContain("| 9 approval");

    rig.mesh.conformanceProblems.clear();
    wf.decideNow(new StepDecision(Step.CONFORMANCE, Decision.RETRY, "carol", "", stuck.gate()));
    UpgradeStatus waiting = rig.await(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    var attributes = WorkflowStub.fromTyped(wf).describe().getTypedSearchAttributes();
    assertThat(attributes.get(UpgradeSearchAttributes.STATE)).isEqualTo("WAITING_FOR_APPROVAL");
    assertThat(attributes.get(UpgradeSearchAttributes.STEP)).isEqualTo("APPROVAL");
    assertThat(attributes.get(UpgradeSearchAttributes.TARGET_VERSION)).isEqualTo("0.11.3");
    assertThat(currentDetails(wf))
        .contains("WAITING_FOR_APPROVAL")
        .contains("Step 9 of 11, approval")
        .contains("temporal workflow signal --workflow-id " + UpgradeRig.ID + " --name approve")
        .contains("(gate `" + waiting.gate() + "`)")
        .doesNotContain("Needs attention");

    wf.approve(new Approval("carol", "CHG-1", waiting.gate()));
    UpgradeRig.result(wf);
    // Every activity carries a summary the UI shows: its step and what it upgrades.
    List<String> summaries =
        rig.client.fetchHistory(UpgradeRig.ID).getEvents().stream()
            .filter(e -> e.hasActivityTaskScheduledEventAttributes())
            .map(e -> e.getUserMetadata().getSummary().getData().toStringUtf8())
            .toList();
    assertThat(summaries).isNotEmpty().allSatisfy(summary -> assertThat(summary).contains("step "));
    assertThat(summaries)
        .contains(
            "\"step 4 (CRDs): Gloo Mesh 0.11.3 on mgmt\"",
            "\"step 7 (re-register): cluster cluster-2 for Gloo Mesh 0.11.3\"");
    assertThat(currentDetails(wf))
        .startsWith("**Gloo Mesh 0.10.10 → 0.11.3 on mgmt: SUCCEEDED**")
        .contains("| 11 verify | SUCCEEDED |")
        .doesNotContain("Awaited");
  }

  @Test
  void thePlanSaysWhatThisRequestWillDo() throws Exception {
    UpgradeRequest request =
        UpgradeRequestParser.parse(
            new ObjectMapper()
                .readTree(
                    "{\"targetVersion\":\"0.11.3\",\"approvers\":[\"alice\"],\"clusters\":[\"east\"],\"registrationConcurrency\":2}"));

    assertThat(UpgradePlan.summary(request, "mgmt"))
        .isEqualTo("Gloo Mesh upgrade to 0.11.3 on mgmt");
    assertThat(UpgradePlan.markdown(request, "mgmt"))
        .contains("control plane by helm, clusters re-registered native (east, 2 at a time)")
        .contains("| 9 | approval | wait up to 1d for one of [alice] to approve |")
        .contains("| 11 | verify |");
    UpgradeRequest dryRun =
        UpgradeRequestParser.parse(
            new ObjectMapper().readTree("{\"targetVersion\":\"0.11.3\",\"dryRun\":true}"));
    assertThat(UpgradePlan.summary(dryRun, "mgmt")).endsWith("(dry run)");
    assertThat(UpgradePlan.markdown(dryRun, "mgmt"))
        .contains("the run ends there")
        .doesNotContain("| 2 |");
  }
}
