package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.NetworkingStatus;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.junit.jupiter.api.Test;

/**
 * The large-mesh run of bench/mesh-at-scale.sh, small: 2,000 discovery objects and 300
 * TrafficPolicies of which 120 are never accepted. What stays bounded must already be bounded here:
 * more pending policies than a status names.
 */
class MeshAtScaleTest {
  @Test
  void aLargeMeshKeepsTheHistoryTheResultsAndTheStatusSmall() throws Exception {
    MeshAtScale.Result r =
        MeshAtScale.run(
            new MeshAtScale.Scale(2_000, 300, 120),
            ClusterBackend.MOCK,
            new PrintStream(OutputStream.nullOutputStream()));

    assertThat(r.waiting().currentStep()).isEqualTo(Step.NETWORKING);
    assertThat(r.waiting().networking().total() - r.waiting().networking().accepted())
        .isEqualTo(120);
    assertThat(r.waiting().networking().notAccepted()).hasSize(NetworkingStatus.MAX_LISTED);
    assertThat(r.waiting().attention()).contains("and 70 more");
    assertThat(r.report().outcome()).isEqualTo(RunState.FINISHED_WITH_PROBLEMS);
    assertThat(r.report().verify().overall()).isEqualTo(CheckLevel.RED);
    assertThat(r.largestResult()).isLessThan(256 * 1024);
    assertThat(r.events()).isLessThan(10_000);
    assertThat(r.historyBytes()).isLessThan(10L * 1024 * 1024);
    assertThat(r.statusAtNetworking()).isLessThan(1024 * 1024);
    assertThat(r.statusAtEnd()).isLessThan(1024 * 1024);
    // The mock answers whole lists whatever the limit: ListsAtScaleOnApiServerIT holds a count to
    // one object on a real API server.
  }
}
