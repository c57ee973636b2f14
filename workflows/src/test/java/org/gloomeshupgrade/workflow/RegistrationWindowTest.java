package org.gloomeshupgrade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.gloomeshupgrade.workflow.UpgradeRig.result;
import static org.gloomeshupgrade.workflow.UpgradeRig.step;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Step 7: clusters re-registered a few at a time, each with its own outcome; failures wait for a
 * person together.
 */
class RegistrationWindowTest {
  private static final String THREE_AT_A_TIME =
      "{\"targetVersion\":\"0.11.3\",\"requireApproval\":false,\"registrationConcurrency\":3}";

  private final UpgradeRig rig = new UpgradeRig();
  private final FakeMesh mesh = rig.mesh;

  @AfterEach
  void stop() {
    rig.close();
  }

  private long registrationsOf(String cluster) {
    return mesh.calls.stream().filter(("reRegister " + cluster)::equals).count();
  }

  @Test
  void clustersAreRegisteredAtMostConcurrencyAtOnceEachWithItsOutcome() throws Exception {
    mesh.clusterCount = 8;
    mesh.awaitOverlapOf = 3;
    GlooMeshUpgradeWorkflow wf = rig.start(THREE_AT_A_TIME);

    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(mesh.mostRegisteringAtOnce.get()).isEqualTo(3);
    assertThat(report.registrations())
        .hasSize(8)
        .allSatisfy(
            r -> {
              assertThat(r.state()).isEqualTo(ClusterRegistration.State.REGISTERED);
              assertThat(r.runs()).isEqualTo(1);
              assertThat(r.detail())
                  .isEqualTo("0 created, 1 updated; agents: cert-agent 0.11.3 upgraded");
            });
    assertThat(step(report, Step.REREGISTER).detail())
        .isEqualTo(
            "re-registered [cluster-1, cluster-2, cluster-3, "
                + "cluster-4, cluster-5, cluster-6, cluster-7, cluster-8] (3 at a time)");
  }

  @Test
  void aFailedClusterDoesNotLoseTheOthersAndRetryRunsOnlyTheFailedOnes() throws Exception {
    mesh.clusterCount = 6;
    mesh.failingClusters.add("cluster-2");
    mesh.failingClusters.add("cluster-5");
    GlooMeshUpgradeWorkflow wf = rig.start(THREE_AT_A_TIME);

    UpgradeStatus stuck = rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.REREGISTER);
    assertThat(stuck.attention())
        .contains("2 of 6 cluster(s) failed to re-register (the others are done)")
        .contains("cluster-2: ReRegisterCluster: cluster cluster-2 is unreachable")
        .contains("cluster-5: ReRegisterCluster: cluster cluster-5 is unreachable");
    assertThat(stuck.registrations())
        .extracting(ClusterRegistration::cluster, ClusterRegistration::state)
        .containsExactly(
            tuple("cluster-1", ClusterRegistration.State.REGISTERED),
            tuple("cluster-2", ClusterRegistration.State.FAILED),
            tuple("cluster-3", ClusterRegistration.State.REGISTERED),
            tuple("cluster-4", ClusterRegistration.State.REGISTERED),
            tuple("cluster-5", ClusterRegistration.State.FAILED),
            tuple("cluster-6", ClusterRegistration.State.REGISTERED));
    assertThat(mesh.calls).doesNotContain("scale discovery 1");
    assertThat(stuck.awaiting()).contains("RETRY re-registers only the failed clusters");

    mesh.failingClusters.clear();
    wf.decideNow(
        new StepDecision(
            Step.REREGISTER, Decision.RETRY, "ops", "network fixed", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(registrationsOf("cluster-2")).isEqualTo(2);
    assertThat(registrationsOf("cluster-5")).isEqualTo(2);
    assertThat(registrationsOf("cluster-1")).as("a done cluster is not run again").isEqualTo(1);
    assertThat(report.registrations())
        .allSatisfy(r -> assertThat(r.state()).isEqualTo(ClusterRegistration.State.REGISTERED));
    assertThat(report.registrations())
        .filteredOn(r -> r.cluster().equals("cluster-2"))
        .singleElement()
        .extracting(ClusterRegistration::runs)
        .isEqualTo(2);
  }

  @Test
  void skippingTheFailedClustersLetsTheRunFinishAndRecordsTheSkipPerCluster() throws Exception {
    mesh.clusterCount = 4;
    mesh.failingClusters.add("cluster-3");
    GlooMeshUpgradeWorkflow wf = rig.start(THREE_AT_A_TIME);
    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    wf.decideNow(
        new StepDecision(
            Step.REREGISTER,
            Decision.SKIP,
            "ops",
            "cluster-3 is being decommissioned",
            wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.registrations())
        .filteredOn(r -> r.cluster().equals("cluster-3"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(ClusterRegistration.State.SKIPPED);
              assertThat(r.detail())
                  .startsWith("skipped by ops: cluster-3 is being decommissioned (after: ")
                  .contains("unreachable");
            });
    assertThat(report.decisions())
        .containsExactly("REREGISTER: SKIP by ops (cluster-3 is being decommissioned)");
    assertThat(step(report, Step.REREGISTER).detail())
        .isEqualTo(
            "re-registered [cluster-1, cluster-2, cluster-4]; skipped [cluster-3] (3 at a time)");
    assertThat(step(report, Step.REREGISTER).state()).isEqualTo(StepState.SUCCEEDED);
  }

  @Test
  void abortAfterFailedClustersEndsTheRunWithNetworkingAtZero() throws Exception {
    mesh.failingClusters.add("cluster-1");
    GlooMeshUpgradeWorkflow wf = rig.start(THREE_AT_A_TIME);
    rig.await(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    wf.decide(
        new StepDecision(
            Step.REREGISTER,
            Decision.ABORT,
            "ops",
            "remote down for the week",
            wf.status().gate()));

    assertThat(UpgradeRig.failureOf(wf).getType()).isEqualTo(FailureTypes.ABORTED);
    assertThat(mesh.replicas).containsEntry("networking", 0);
  }
}
