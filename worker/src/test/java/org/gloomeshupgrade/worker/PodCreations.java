package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.gloomeshupgrade.testkit.RequestJournal;

/**
 * When pods of a deployment were created, as a watch saw them: the simulated Deployment
 * controller's requests are not in the journal's client view, and pods that existed before the
 * watch are left out.
 */
final class PodCreations implements AutoCloseable {
  private final List<Instant> created = new CopyOnWriteArrayList<>();
  private final String deployment;
  private final Watch watch;

  private PodCreations(KubernetesClient client, String namespace, String deployment) {
    this.deployment = deployment;
    Set<String> existing =
        client.pods().inNamespace(namespace).list().getItems().stream()
            .map(p -> p.getMetadata().getUid())
            .collect(Collectors.toSet());
    this.watch =
        client
            .pods()
            .inNamespace(namespace)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    if (action == Action.ADDED
                        && !existing.contains(pod.getMetadata().getUid())
                        && pod.getMetadata().getName().startsWith(deployment + "-")) {
                      created.add(Instant.now());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  static PodCreations of(KubernetesClient client, String namespace, String deployment) {
    return new PodCreations(client, namespace, deployment);
  }

  List<Instant> times() {
    return List.copyOf(created);
  }

  /**
   * From the run's scale-down (its first change of the deployment in {@code journal}, which must be
   * to 0) until {@code approvedAt} no pod of the deployment was created, and one was after it.
   */
  void assertNoneFromTheScaleDownUntilTheApproval(RequestJournal journal, Instant approvedAt) {
    Instant scaledDown = journal.replicaChanges(deployment).get(0).time();
    assertThat(journal.replicaChanges(deployment).get(0).replicas()).isZero();
    assertThat(times())
        .as(deployment + " ran after the approval")
        .anyMatch(t -> t.isAfter(approvedAt))
        .as("no " + deployment + " pod was created between the scale-down and the approval")
        .noneMatch(t -> t.isAfter(scaledDown) && t.isBefore(approvedAt));
  }

  @Override
  public void close() {
    watch.close();
  }
}
