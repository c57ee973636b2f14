package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request journal and the fault injector, driven by a client configured from the kubeconfig as
 * a program would be.
 */
class RequestJournalTest {

  private static final String NS = "gloo-mesh";
  private static SimulatedGlooMesh sim;

  private KubernetesClient client;
  private RequestJournal journal;

  @BeforeAll
  static void startSimulation() {
    // Deployments never converge during these tests, so the
    // controller never races a client's read-modify-write.
    sim = SimulatedGlooMesh.builder().deploymentDelay(Duration.ofMinutes(5)).build();
  }

  @AfterAll
  static void closeSimulation() {
    sim.close();
  }

  @BeforeEach
  void connect() {
    client = new KubernetesClientBuilder().withConfig(sim.config("mgmt")).build();
    journal = sim.journal("mgmt");
    journal.clear();
    sim.faults("mgmt").clear();
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  @Test
  void recordsClientRequestsInOrderAndTellsTheSimulatorsOwnApart() {
    client.apps().deployments().inNamespace(NS).withName("networking").get();
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("journal-probe")
                .endMetadata()
                .addToData("key", "value")
                .build())
        .create();
    client.configMaps().inNamespace(NS).withName("journal-probe").delete();
    sim.client("mgmt").configMaps().inNamespace(NS).list();
    sim.awaitControllerRounds();

    List<RecordedCall> calls = journal.fromClients();
    assertThat(calls).extracting(RecordedCall::method).containsExactly("GET", "POST", "DELETE");
    assertThat(calls.get(0).path())
        .isEqualTo("/apis/apps/v1/namespaces/gloo-mesh/deployments/networking");
    assertThat(calls.get(0).responseCode()).isEqualTo(200);
    assertThat(calls.get(1).body()).contains("journal-probe").contains("\"key\":\"value\"");
    assertThat(calls.get(1).responseCode()).isEqualTo(201);
    assertThat(calls).extracting(RecordedCall::sequence).isSorted();
    assertThat(calls).noneMatch(RecordedCall::fromSimulator);

    assertThat(journal.mutating())
        .extracting(RecordedCall::method)
        .containsExactly("POST", "DELETE");
    List<RecordedCall> all = journal.all();
    assertThat(all).extracting(RecordedCall::sequence).isSorted();
    assertThat(all).containsAll(calls);
    assertThat(all)
        .filteredOn(RecordedCall::fromSimulator)
        .isNotEmpty()
        .allSatisfy(
            c -> assertThat(c.userAgent()).isEqualTo(SimulatedGlooMesh.SIMULATOR_USER_AGENT))
        .anySatisfy(c -> assertThat(c.path()).isEqualTo("/api/v1/namespaces/gloo-mesh/configmaps"));
    assertThat(journal.size()).isEqualTo(all.size());
    assertThat(journal.matching("DELETE", "/configmaps/journal-probe$")).hasSize(1);

    journal.clear();
    assertThat(journal.fromClients()).isEmpty();
  }

  @Test
  void replicaChangesSeesEveryWayFabric8ChangesReplicas() {
    client.apps().deployments().inNamespace(NS).resource(sample()).create();
    RollableScalableResource<Deployment> sample =
        client.apps().deployments().inNamespace(NS).withName("sample");

    sample.scale(0);
    sample.edit(d -> new DeploymentBuilder(d).editSpec().withReplicas(2).endSpec().build());
    sample.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":3}}");
    sample.patch(
        PatchContext.of(PatchType.JSON),
        "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4}]");
    sample.patch(new DeploymentBuilder(sample.get()).editSpec().withReplicas(5).endSpec().build());
    Deployment whole = sample.get();
    whole.getSpec().setReplicas(6);
    client.apps().deployments().inNamespace(NS).resource(whole).update();
    // The mock has no strategic merge patch: the request is still recorded, with the 415 it got.
    assertThatThrownBy(
            () ->
                sample.patch(
                    PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"replicas\":7}}"))
        .isInstanceOf(KubernetesClientException.class);
    sample.edit(
        d ->
            new DeploymentBuilder(d)
                .editMetadata()
                .addToAnnotations("touched", "yes")
                .endMetadata()
                .build());

    List<ReplicaChange> changes = journal.replicaChanges("sample");
    assertThat(changes).extracting(ReplicaChange::replicas).containsExactly(0, 2, 3, 4, 5, 6, 7);
    assertThat(changes.get(0).path()).endsWith("/deployments/sample/scale");
    assertThat(changes.get(0).method()).isEqualTo("PUT");
    assertThat(changes)
        .extracting(ReplicaChange::method)
        .containsExactly("PUT", "PATCH", "PATCH", "PATCH", "PATCH", "PUT", "PATCH");
    assertThat(changes.subList(0, 6)).allMatch(ReplicaChange::succeeded);
    assertThat(changes.get(6).succeeded()).isFalse();
    assertThat(changes).extracting(ReplicaChange::sequence).isSorted();
    assertThat(journal.replicaChanges(NS, "sample")).hasSize(7);
    assertThat(journal.replicaChanges("other-namespace", "sample")).isEmpty();
    assertThat(journal.replicaChanges("networking")).isEmpty();
    assertThat(sample.get().getSpec().getReplicas()).isEqualTo(6);
  }

  @Test
  void replicasAreFoundInTheBodiesARealServerWouldGet() {
    assertThat(
            RequestJournal.replicasIn(
                "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"spec\":{\"replicas\":0}}"))
        .hasValue(0);
    assertThat(
            RequestJournal.replicasIn(
                "[{\"op\":\"add\",\"path\":\"/spec\",\"value\":{\"replicas\":1}}]"))
        .hasValue(1);
    // As a real API server's audit log records a Scale to zero: Go drops the zero.
    assertThat(
            RequestJournal.replicasIn(
                "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"spec\":{}}"))
        .hasValue(0);
    assertThat(RequestJournal.replicasIn("{\"kind\":\"Deployment\",\"spec\":{}}")).isEmpty();
    assertThat(RequestJournal.replicasIn("{\"metadata\":{\"labels\":{\"a\":\"b\"}}}")).isEmpty();
    assertThat(RequestJournal.replicasIn("not json")).isEmpty();
    assertThat(RequestJournal.replicasIn("")).isEmpty();
  }

  @Test
  void faultInjectorFailsTheNextMatchingRequestsThenRecovers() {
    FaultInjector faults = sim.faults("mgmt");
    faults.failNext("GET", "/deployments/networking$", 500, 2);
    faults.failNext("patch", "/deployments/discovery", 403, 1);
    assertThat(faults.pending()).isEqualTo(3);
    var networking = client.apps().deployments().inNamespace(NS).withName("networking");

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(networking::get)
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(500);
                assertThat(e.getStatus().getReason()).isEqualTo("InternalError");
                assertThat(e.getStatus().getMessage()).contains("injected");
              });
    }
    // The simulator's own client is never failed, so controllers keep working during a fault.
    assertThat(sim.client("mgmt").apps().deployments().inNamespace(NS).withName("discovery").get())
        .isNotNull();
    assertThat(networking.get()).isNotNull();

    assertThatThrownBy(
            () ->
                client
                    .apps()
                    .deployments()
                    .inNamespace(NS)
                    .withName("discovery")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"))
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
            });
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("discovery")
                .get()
                .getMetadata()
                .getLabels())
        .doesNotContainKey("x");

    assertThat(faults.pending()).isZero();
    assertThat(faults.injectedCount()).isGreaterThanOrEqualTo(3);
    assertThat(journal.matching("GET", "/deployments/networking$"))
        .extracting(RecordedCall::responseCode)
        .containsExactly(500, 500, 200);
    assertThat(journal.matching("PATCH", "/deployments/discovery$"))
        .extracting(RecordedCall::responseCode)
        .containsExactly(403);
  }

  @Test
  void faultInjectorClearDropsPendingFaults() {
    FaultInjector faults = sim.faults("mgmt");
    faults.failNext("*", "/namespaces/gloo-mesh/", 503, 5);
    faults.clear();
    assertThat(faults.pending()).isZero();
    assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isNotEmpty();
    assertThatThrownBy(() -> faults.failNext("GET", ".*", 200, 1)).hasMessageContaining("200");
  }

  @Test
  void accessReviewsAreAnsweredAllowedUnlessDeniedAndAreNotCountedAsWrites() {
    sim.authorizer("mgmt").deny("deletecollection", "discovery.mesh.gloo.solo.io", "meshes");
    try {
      assertThat(review("deletecollection", "discovery.mesh.gloo.solo.io", "meshes").getAllowed())
          .isFalse();
      assertThat(review("deletecollection", "discovery.mesh.gloo.solo.io", "meshes").getReason())
          .contains("simulated RBAC");
      assertThat(review("list", "discovery.mesh.gloo.solo.io", "meshes").getAllowed()).isTrue();
      assertThat(journal.fromClients())
          .hasSize(3)
          .allSatisfy(c -> assertThat(c.isAccessReview()).isTrue());
      assertThat(journal.mutating()).isEmpty();
    } finally {
      sim.authorizer("mgmt").allowAll();
    }
    assertThat(review("deletecollection", "discovery.mesh.gloo.solo.io", "meshes").getAllowed())
        .isTrue();
  }

  private SubjectAccessReviewStatus review(String verb, String group, String resource) {
    return client
        .authorization()
        .v1()
        .selfSubjectAccessReview()
        .create(
            new SelfSubjectAccessReviewBuilder()
                .withNewMetadata()
                .withGenerateName("test-")
                .endMetadata()
                .withNewSpec()
                .withNewResourceAttributes()
                .withVerb(verb)
                .withGroup(group)
                .withResource(resource)
                .endResourceAttributes()
                .endSpec()
                .build())
        .getStatus();
  }

  private static Deployment sample() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("sample")
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", "sample")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "sample")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("sample")
        .withImage("example/sample:1")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
