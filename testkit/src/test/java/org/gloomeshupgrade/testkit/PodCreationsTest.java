package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How the journal finds a deployment's pod creations in the requests a server received. */
class PodCreationsTest {

  private static final String POD_OF_REPLICA_SET =
      """
      {"kind":"Pod","metadata":{"generateName":"%s-","namespace":"gloo-mesh",
       "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"%s",
       "uid":"1","controller":true}]}}
      """;

  @Test
  void aReplicaSetsPodIsFoundWithTheNameFromTheAnswerAndItsCreator() {
    RequestJournal journal = new RequestJournal(100);
    RecordedCall call = createPod(journal, "networking-7d9f8b6c5", 201);
    call.responseBody("{\"metadata\":{\"name\":\"networking-7d9f8b6c5-x2x4k\"}}");

    assertThat(journal.podCreations("gloo-mesh", "networking"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.name()).isEqualTo("networking-7d9f8b6c5-x2x4k");
              assertThat(c.replicaSet()).isEqualTo("networking-7d9f8b6c5");
              assertThat(c.createdBy())
                  .isEqualTo("system:serviceaccount:kube-system:replicaset-controller");
              assertThat(c.sequence()).isEqualTo(call.sequence());
            });
    assertThat(journal.fromClients()).as("a component's request is not a client's").isEmpty();
  }

  @Test
  void podsOfAnotherDeploymentWhoseNameStartsTheSameAreNotCounted() {
    RequestJournal journal = new RequestJournal(100);
    createPod(journal, "networking-extra-7d9f8b6c5", 201);
    createPod(journal, "networking-7d9f8b6c5", 201);

    assertThat(journal.podCreations("gloo-mesh", "networking"))
        .extracting(PodCreation::replicaSet)
        .containsExactly("networking-7d9f8b6c5");
    assertThat(journal.podCreations("gloo-mesh", "networking-extra")).hasSize(1);
    assertThat(journal.podCreations("other", "networking")).isEmpty();
  }

  @Test
  void refusedCreationsAndPodsWithoutAReplicaSetAreNotCreations() {
    RequestJournal journal = new RequestJournal(100);
    createPod(journal, "networking-7d9f8b6c5", 403);
    journal
        .record(
            "POST",
            "/api/v1/namespaces/gloo-mesh/pods",
            "{\"metadata\":{\"name\":\"networking-debug\"}}",
            "kubectl/v1.34.4",
            "alice",
            "application/json",
            Instant.now())
        .responseCode(201);

    assertThat(journal.podCreations("gloo-mesh", "networking")).isEmpty();
  }

  @Test
  void theSimulatedDeploymentControllersPodsAreOwnedAsARealReplicaSetsAre() {
    try (SimulatedGlooMesh sim =
        SimulatedGlooMesh.builder().remoteClusters().deploymentDelay(Duration.ZERO).build()) {
      assertThat(sim.journal("mgmt").podCreations("gloo-mesh", "networking"))
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.replicaSet()).startsWith("networking-");
                assertThat(c.name()).startsWith(c.replicaSet() + "-");
                assertThat(c.createdBy()).isEqualTo(SimulatedGlooMesh.SIMULATOR_USER_AGENT);
              });
    }
  }

  private static RecordedCall createPod(RequestJournal journal, String replicaSet, int code) {
    RecordedCall call =
        journal.record(
            "POST",
            "/api/v1/namespaces/gloo-mesh/pods",
            POD_OF_REPLICA_SET.formatted(replicaSet, replicaSet),
            "kube-controller-manager/v1.34.4 (linux/amd64) kubernetes/replicaset-controller",
            "system:serviceaccount:kube-system:replicaset-controller",
            null,
            Instant.now());
    call.responseCode(code);
    return call;
  }
}
