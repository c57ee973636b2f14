package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.gloomeshupgrade.testkit.PodCreation;
import org.gloomeshupgrade.testkit.RecordedCall;
import org.gloomeshupgrade.testkit.ReplicaChange;
import org.gloomeshupgrade.testkit.RequestJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safety property 1 read from the pods a cluster created, as its request journal saw them: on real
 * API servers Kubernetes' own ReplicaSet controller makes them, on the mock the simulated
 * Deployment controller does.
 */
final class PodCreations {
  private static final Logger LOG = LoggerFactory.getLogger(PodCreations.class);
  private static final String NAMESPACE = "gloo-mesh";

  private PodCreations() {}

  /**
   * The sequence number the next request will get: every request numbered below it reached the
   * server before now. Taken at the approval gate, just before approving.
   */
  static long nextSequence(RequestJournal journal) {
    return journal.all().stream().mapToLong(RecordedCall::sequence).max().orElse(0) + 1;
  }

  /**
   * From the run's scale-down (its first change of the deployment, which must be to 0) until the
   * approval no pod of the deployment was created, and one was after it.
   */
  static void assertNoneFromTheScaleDownUntilTheApproval(
      RequestJournal journal, String deployment, long approvalAt) {
    ReplicaChange scaleDown = journal.replicaChanges(NAMESPACE, deployment).get(0);
    assertThat(scaleDown.replicas()).as("the run's first change of " + deployment).isZero();
    List<PodCreation> created = journal.podCreations(NAMESPACE, deployment);
    assertThat(created)
        .as("no %s pod was created between the scale-down and the approval", deployment)
        .noneMatch(c -> c.sequence() > scaleDown.sequence() && c.sequence() < approvalAt)
        .as("%s ran after the approval", deployment)
        .anyMatch(c -> c.sequence() >= approvalAt);
  }

  /**
   * Where the install itself set the deployment's replicas above 0 (a chart that sets them, put
   * back by Helm's three-way merge) and the run scaled it back: every pod created between the
   * scale-down and the approval was created after that write, none after the gate was reached
   * ({@code gateReachedAt}, taken when the run waited for the approval), and one after the
   * approval. Returns the window for the report.
   */
  static Window assertOnlyInTheInstallsWindow(
      RequestJournal journal, String deployment, long gateReachedAt, long approvalAt) {
    List<ReplicaChange> changes = journal.replicaChanges(NAMESPACE, deployment);
    ReplicaChange scaleDown = changes.get(0);
    assertThat(scaleDown.replicas()).as("the run's first change of " + deployment).isZero();
    ReplicaChange raised =
        changes.stream()
            .filter(c -> c.sequence() < approvalAt && c.replicas() > 0 && c.succeeded())
            .findFirst()
            .orElseThrow(() -> new AssertionError("the install never set replicas above 0"));
    ReplicaChange heldBack =
        changes.stream()
            .filter(c -> c.sequence() > raised.sequence() && c.replicas() == 0 && c.succeeded())
            .findFirst()
            .orElseThrow(() -> new AssertionError("the run never scaled it back to 0"));
    List<PodCreation> beforeApproval =
        journal.podCreations(NAMESPACE, deployment).stream()
            .filter(c -> c.sequence() > scaleDown.sequence() && c.sequence() < approvalAt)
            .toList();
    assertThat(beforeApproval)
        .as("%s pods before the approval come from the install's write", deployment)
        .allMatch(c -> c.sequence() > raised.sequence())
        .as("and none from the gate on")
        .allMatch(c -> c.sequence() < gateReachedAt);
    assertThat(journal.podCreations(NAMESPACE, deployment))
        .as("%s ran after the approval", deployment)
        .anyMatch(c -> c.sequence() >= approvalAt);
    Window window =
        new Window(
            Duration.between(raised.time(), heldBack.time()),
            beforeApproval.size(),
            beforeApproval.isEmpty()
                ? null
                : Duration.between(raised.time(), beforeApproval.get(0).time()));
    LOG.info("{} window before the approval: {}", deployment, window);
    return window;
  }

  /**
   * @param replicasAboveZero from the install's write of replicas above 0 to the run's scale back
   * @param podsCreated pods of the deployment created in it
   * @param firstPodAfter from that write to the first pod's creation; null when none was created
   */
  record Window(Duration replicasAboveZero, int podsCreated, Duration firstPodAfter) {
    @Override
    public String toString() {
      return "replicas above 0 for %d ms, %d pod(s) created%s"
          .formatted(
              replicasAboveZero.toMillis(),
              podsCreated,
              firstPodAfter == null
                  ? ""
                  : ", the first %d ms after the install's write"
                      .formatted(firstPodAfter.toMillis()));
    }
  }
}
