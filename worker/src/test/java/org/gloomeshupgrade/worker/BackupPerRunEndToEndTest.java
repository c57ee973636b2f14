package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.worker.FixtureResources.TRAFFIC_POLICIES;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.client.WorkflowOptions;
import java.util.Map;
import java.util.UUID;
import org.gloomeshupgrade.backup.BackupList;
import org.gloomeshupgrade.backup.BackupListInput;
import org.gloomeshupgrade.backup.BackupSummary;
import org.gloomeshupgrade.backup.GlooMeshBackupListWorkflow;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.GlooMeshFixtures;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.Decision;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cluster upgraded three times under one workflow ID: each run saves its own backup, a rollback
 * puts back what its own run started from (not what an earlier upgrade saved), and the worker keeps
 * only the newest backups.
 */
class BackupPerRunEndToEndTest {
  private static final int KEPT = 2;

  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  @Test
  void eachRunSavesItsOwnBackupARollbackPutsBackItsOwnStartAndOldBackupsGo() {
    SimulatedGlooMesh sim = simulation.simulate(SimulatedUpgrade.mgmtAndCluster1());
    UpgradeHarness harness =
        simulation.startHarness(
            sim.kubeconfig(),
            clients -> UpgradeWorker.activities(clients, null, KEPT, UpgradeHarness.trusted(sim)));
    KubernetesClient mgmt = sim.client("mgmt");

    GlooMeshUpgradeWorkflow first = harness.start(harness.request("0.11.3"));
    approveWhenAsked(first);
    assertThat(result(first).outcome()).isEqualTo(RunState.SUCCEEDED);
    String firstBackup = first.status().backupId();

    // Months later, a person tunes the retries; the second upgrade starts from that.
    setRetries(mgmt, 5, "4s");
    ConfigurationSnapshot startOfSecond = ConfigurationSnapshot.capture(mgmt);
    sim.faults("mgmt")
        .failNext("DELETE", ".*/apis/discovery\\.mesh\\.gloo\\.solo\\.io/.*", 403, 100);
    GlooMeshUpgradeWorkflow second = harness.start(harness.request("0.12.0"));
    UpgradeStatus stuck = awaitStatus(second, s -> s.state() == RunState.NEEDS_ATTENTION);
    String secondBackup = stuck.backupId();
    assertThat(secondBackup).startsWith(UpgradeHarness.ID + "@").isNotEqualTo(firstBackup);
    // While the run waits, the retries are changed again and a policy is lost.
    setRetries(mgmt, 9, "1s");
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace(GlooMeshFixtures.APP_NAMESPACE)
        .withName("reviews-shift")
        .delete();
    second.decideNow(
        new StepDecision(
            Step.DELETE_DISCOVERY, Decision.ROLLBACK, "ops", "not today", stuck.gate()));
    UpgradeReport rolledBack = result(second);
    sim.faults("mgmt").clear();

    assertThat(rolledBack.outcome()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(rolledBack.summary()).contains("1 recreated").contains("1 put back");
    assertThat(retries(mgmt))
        .as("the second run's starting state, not the first upgrade's attempts=3")
        .isEqualTo(Map.of("attempts", 5, "perTryTimeout", "4s"));
    ConfigurationSnapshot.assertUnchanged(startOfSecond, ConfigurationSnapshot.capture(mgmt));
    assertThat(list(harness).backups())
        .extracting(BackupSummary::backupId)
        .containsExactly(secondBackup, firstBackup);
    BackupSummary listed = list(harness).backups().get(0);
    assertThat(listed.workflowId()).isEqualTo(UpgradeHarness.ID);
    assertThat(listed.fromVersion()).isEqualTo("0.11.3");
    assertThat(listed.targetVersion()).isEqualTo("0.12.0");
    assertThat(listed.resources()).isEqualTo(startOfSecond.size());
    assertThat(listed.bytes()).isPositive();
    assertThat(listed.takenAt()).isNotBlank();
    assertThat(listed.problem()).isEmpty();

    GlooMeshUpgradeWorkflow third = harness.start(harness.request("0.12.0"));
    approveWhenAsked(third);
    UpgradeReport green = result(third);
    assertThat(green.outcome()).isEqualTo(RunState.SUCCEEDED);
    String thirdBackup = third.status().backupId();
    assertThat(green.steps())
        .filteredOn(s -> s.step() == Step.SCALE_DOWN)
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.detail())
                    .contains("older backups removed by the worker's retention: " + firstBackup));
    BackupList kept = list(harness);
    assertThat(kept.keep()).isEqualTo(KEPT);
    assertThat(kept.backups())
        .extracting(BackupSummary::backupId)
        .containsExactly(thirdBackup, secondBackup);
    assertThat(
            mgmt.secrets()
                .inNamespace(sim.namespace())
                .withLabel("gloo-mesh-upgrade.io/backup")
                .list()
                .getItems())
        .allSatisfy(
            s ->
                assertThat(s.getMetadata().getAnnotations())
                    .containsEntry("gloo-mesh-upgrade.io/workflow-id", UpgradeHarness.ID)
                    .doesNotContainEntry("gloo-mesh-upgrade.io/backup-id", firstBackup));
  }

  private static void approveWhenAsked(GlooMeshUpgradeWorkflow wf) {
    UpgradeStatus waiting = awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    wf.approve(new Approval("alice", "CHG-42", waiting.gate()));
  }

  private static BackupList list(UpgradeHarness harness) {
    return harness
        .client
        .newWorkflowStub(
            GlooMeshBackupListWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(
                    UpgradeNames.backupListWorkflowId("mgmt", UUID.randomUUID().toString()))
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build())
        .list(new BackupListInput("mgmt", ""));
  }

  private static GenericKubernetesResource mgmtRetries(KubernetesClient mgmt) {
    return mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace("gloo-mesh")
        .withName("mgmt-retries")
        .get();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> retries(KubernetesClient mgmt) {
    Map<String, Object> spec =
        (Map<String, Object>) mgmtRetries(mgmt).getAdditionalProperties().get("spec");
    return (Map<String, Object>) spec.get("retries");
  }

  private static void setRetries(KubernetesClient mgmt, int attempts, String perTryTimeout) {
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace("gloo-mesh")
        .withName("mgmt-retries")
        .edit(
            p -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> spec =
                  (Map<String, Object>) p.getAdditionalProperties().get("spec");
              spec.put("retries", Map.of("attempts", attempts, "perTryTimeout", perTryTimeout));
              return p;
            });
  }
}
