package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.gloomeshupgrade.kube.PodCreationHold;
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
    assertNoneFromTheScaleDownUntilTheApproval(journal, deployment, 0, approvalAt);
  }

  /**
   * The same for a run that started at {@code runStartedAt} (a sequence from {@link
   * #nextSequence}), on clusters earlier runs changed too.
   */
  static void assertNoneFromTheScaleDownUntilTheApproval(
      RequestJournal journal, String deployment, long runStartedAt, long approvalAt) {
    ReplicaChange scaleDown =
        journal.replicaChanges(NAMESPACE, deployment).stream()
            .filter(c -> c.sequence() >= runStartedAt)
            .findFirst()
            .orElseThrow(() -> new AssertionError("the run never changed " + deployment));
    assertThat(scaleDown.replicas()).as("the run's first change of " + deployment).isZero();
    List<PodCreation> created = journal.podCreations(NAMESPACE, deployment);
    assertThat(created)
        .as("no %s pod was created between the scale-down and the approval", deployment)
        .noneMatch(c -> c.sequence() > scaleDown.sequence() && c.sequence() < approvalAt)
        .as("%s ran after the approval", deployment)
        .anyMatch(c -> c.sequence() >= approvalAt);
  }

  /**
   * From the run's scale-down until its scale-up (its first write of more than 0 replicas through
   * the scale subresource, which is how the run scales; an install writes the deployment itself) no
   * pod of the deployment was created, and one was after it.
   */
  static void assertNoneFromTheScaleDownUntilTheScaleUp(RequestJournal journal, String deployment) {
    List<ReplicaChange> changes = journal.replicaChanges(NAMESPACE, deployment);
    ReplicaChange scaleDown = changes.get(0);
    assertThat(scaleDown.replicas()).as("the run's first change of " + deployment).isZero();
    ReplicaChange scaleUp =
        changes.stream()
            .filter(c -> c.succeeded() && c.replicas() > 0)
            .filter(c -> c.path().split("\\?")[0].endsWith("/scale"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the run never scaled " + deployment + " up"));
    assertThat(journal.podCreations(NAMESPACE, deployment))
        .as("no %s pod was created between its scale-down and its scale-up", deployment)
        .noneMatch(c -> c.sequence() > scaleDown.sequence() && c.sequence() < scaleUp.sequence())
        .as("%s ran after its scale-up", deployment)
        .anyMatch(c -> c.sequence() > scaleUp.sequence());
  }

  /**
   * Where the install itself set the deployment's replicas above 0 (a chart that sets them, put
   * back by Helm's three-way merge) and the run scaled it back: the pod hold was placed before that
   * write and lifted only after the scale-back, before the approval; no pod of the deployment was
   * created from the scale-down until the approval, and one was after it. Returns the window the
   * hold covered, for the report.
   */
  static Window assertHeldThroughTheInstall(
      RequestJournal journal, String deployment, long approvalAt) {
    assertNoneFromTheScaleDownUntilTheApproval(journal, deployment, approvalAt);
    List<ReplicaChange> changes = journal.replicaChanges(NAMESPACE, deployment);
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
    String quotas = "/api/v1/namespaces/" + NAMESPACE + "/resourcequotas";
    String hold = quotas + "/" + PodCreationHold.NAME;
    List<RecordedCall> placed =
        journal.all().stream()
            .filter(RecordedCall::succeeded)
            .filter(
                c ->
                    (c.method().equals("POST") && c.pathWithoutQuery().equals(quotas))
                        || (c.method().equals("PUT") && c.pathWithoutQuery().equals(hold)))
            .filter(c -> c.body().contains(PodCreationHold.NAME))
            .toList();
    List<RecordedCall> lifted =
        journal.all().stream()
            .filter(RecordedCall::succeeded)
            .filter(c -> c.method().equals("DELETE") && c.pathWithoutQuery().equals(hold))
            .toList();
    assertThat(placed)
        .as("the pod hold was placed before the install set %s's replicas", deployment)
        .anyMatch(c -> c.sequence() < raised.sequence());
    assertThat(lifted)
        .as("the pod hold was lifted after the scale-back, before the approval")
        .anyMatch(c -> c.sequence() > heldBack.sequence() && c.sequence() < approvalAt)
        .as("and never while the replicas were above 0")
        .noneMatch(c -> c.sequence() > raised.sequence() && c.sequence() < heldBack.sequence());
    long refused =
        journal.refusedPodCreations(NAMESPACE, deployment).stream()
            .filter(c -> c.sequence() > raised.sequence() && c.sequence() < approvalAt)
            .count();
    Window window =
        new Window(Duration.between(raised.time(), heldBack.time()), Math.toIntExact(refused));
    LOG.info("{} window before the approval: {}", deployment, window);
    return window;
  }

  /**
   * @param replicasAboveZero from the install's write of replicas above 0 to the run's scale back
   * @param podsRefused pods of the deployment the API server refused in it, for the hold
   */
  record Window(Duration replicasAboveZero, int podsRefused) {
    @Override
    public String toString() {
      return "replicas above 0 for %d ms, %d pod(s) refused by the pod hold, none created"
          .formatted(replicasAboveZero.toMillis(), podsRefused);
    }
  }
}
