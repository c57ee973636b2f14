package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.gloomeshupgrade.testkit.SimulatedResources.assertAccepted;
import static org.gloomeshupgrade.testkit.SimulatedResources.list;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fake controllers of the management cluster, each test on a fresh simulation it is free to
 * change.
 */
class FakeControllersTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String NS = "gloo-mesh";

  private SimulatedGlooMesh sim;

  @AfterEach
  void closeSimulation() {
    if (sim != null) {
      sim.close();
    }
  }

  private SimulatedGlooMesh start(String version) {
    return start(version, Duration.ofMillis(150));
  }

  private SimulatedGlooMesh start(String version, Duration deploymentDelay) {
    sim =
        SimulatedGlooMesh.builder()
            .glooMeshVersion(version)
            .deploymentDelay(deploymentDelay)
            .discoveryDelay(Duration.ofMillis(200))
            .build();
    return sim;
  }

  @Test
  void scalingNetworkingToZeroRemovesItsPodsAndUpdatesStatusAfterTheDelay() {
    // Long enough that the two reads right after the
    // scale come before it, however slow the machine.
    start("0.10.10", Duration.ofSeconds(2));
    KubernetesClient mgmt = sim.client("mgmt");
    var networking = mgmt.apps().deployments().inNamespace(NS).withName("networking");

    networking.scale(0);

    // The delay has not passed yet: the old pod and status are still there.
    assertThat(networking.get().getStatus().getAvailableReplicas()).isEqualTo(1);
    assertThat(mgmt.pods().inNamespace(NS).withLabel("app", "networking").list().getItems())
        .hasSize(1);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Deployment d = networking.get();
              assertThat(d.getStatus().getObservedGeneration())
                  .isEqualTo(d.getMetadata().getGeneration());
              assertThat(d.getStatus().getReplicas()).isNull();
              assertThat(d.getStatus().getAvailableReplicas()).isNull();
              assertThat(
                      mgmt.pods().inNamespace(NS).withLabel("app", "networking").list().getItems())
                  .isEmpty();
            });
    assertThat(mgmt.pods().inNamespace(NS).withLabel("app", "discovery").list().getItems())
        .hasSize(1);

    networking.scale(2);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(networking.get().getStatus().getAvailableReplicas()).isEqualTo(2);
              assertThat(
                      mgmt.pods().inNamespace(NS).withLabel("app", "networking").list().getItems())
                  .hasSize(2);
            });
  }

  @Test
  void changingThePodTemplateReplacesThePods() {
    start("0.10.10");
    KubernetesClient mgmt = sim.client("mgmt");
    String before =
        mgmt.pods()
            .inNamespace(NS)
            .withLabel("app", "discovery")
            .list()
            .getItems()
            .get(0)
            .getMetadata()
            .getName();

    mgmt.apps()
        .deployments()
        .inNamespace(NS)
        .withName("discovery")
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setImage("gcr.io/gloo-mesh/discovery:0.11.3");
              return d;
            });

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              List<Pod> pods =
                  mgmt.pods().inNamespace(NS).withLabel("app", "discovery").list().getItems();
              assertThat(pods).hasSize(1);
              assertThat(pods.get(0).getMetadata().getName()).isNotEqualTo(before);
              assertThat(pods.get(0).getSpec().getContainers().get(0).getImage())
                  .endsWith(":0.11.3");
            });
  }

  @Test
  void discoveryRecreatesItsResourcesAfterScaleUpButNeverWhileScaledDown() {
    start("0.11.3");
    KubernetesClient mgmt = sim.client("mgmt");
    var discovery = mgmt.apps().deployments().inNamespace(NS).withName("discovery");
    discovery.scale(0);
    await().atMost(WAIT).until(() -> discovery.get().getStatus().getAvailableReplicas() == null);

    deleteDiscoveryResources(mgmt);
    sim.awaitControllerRounds();
    // Well past the discovery delay: nothing came back while discovery is at 0.
    await()
        .during(Duration.ofMillis(400))
        .atMost(WAIT)
        .until(() -> countDiscoveryResources(mgmt) == 0);

    discovery.scale(1);
    await().atMost(WAIT).until(() -> countDiscoveryResources(mgmt) == 14);
    assertThat(list(sim, mgmt, "Mesh"))
        .extracting(m -> m.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "istiod-istio-system-cluster-1", "istiod-istio-system-cluster-2");
    assertThat(list(sim, mgmt, "TrafficTarget"))
        .allSatisfy(
            t -> assertThat(ControllerSupport.status(t).get("observedGeneration")).isEqualTo(1));
  }

  @Test
  void discoveryStaysEmptyWhilePausedAndRecreatesOnceResumed() {
    start("0.10.10");
    KubernetesClient mgmt = sim.client("mgmt");
    sim.pauseDiscovery(true);
    deleteDiscoveryResources(mgmt);

    await()
        .during(Duration.ofMillis(500))
        .atMost(WAIT)
        .until(() -> countDiscoveryResources(mgmt) == 0);

    sim.pauseDiscovery(false);
    await().atMost(WAIT).until(() -> countDiscoveryResources(mgmt) == 14);
  }

  @Test
  void discoveryWritesTheKindsOfTheInstalledDiscoveryCrds() {
    start("0.10.10");
    KubernetesClient mgmt = sim.client("mgmt");
    sim.pauseDiscovery(true);
    deleteDiscoveryResources(mgmt);
    mgmt.apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("traffictargets.discovery.mesh.gloo.solo.io")
        .delete();
    CustomResourceDefinition destinations =
        CrdManifests.v1Crd(
            new SimulatedKind(
                SimulatedVersions.DISCOVERY_GROUP,
                "v1",
                "Destination",
                "destinations",
                List.of(),
                Schemas.object("spec", Schemas.opaque(), "status", Schemas.opaque())));
    mgmt.apiextensions().v1().customResourceDefinitions().resource(destinations).create();

    sim.pauseDiscovery(false);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        mgmt.genericKubernetesResources(
                                "discovery.mesh.gloo.solo.io/v1", "Destination")
                            .inNamespace(NS)
                            .list()
                            .getItems())
                    .hasSize(6));
    assertThat(list(sim, mgmt, "Workload")).hasSize(6);
  }

  @Test
  void networkingMarksChangedResourcesAcceptedOnlyWhileRunning() {
    start("0.11.3");
    KubernetesClient mgmt = sim.client("mgmt");
    var networking = mgmt.apps().deployments().inNamespace(NS).withName("networking");
    networking.scale(0);
    await().atMost(WAIT).until(() -> networking.get().getStatus().getAvailableReplicas() == null);

    var policies =
        mgmt.genericKubernetesResources("networking.mesh.gloo.solo.io/v1alpha2", "TrafficPolicy")
            .inNamespace(NS);
    policies
        .withName("mgmt-retries")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"requestTimeout\":\"20s\"}}");
    GenericKubernetesResource changed = policies.withName("mgmt-retries").get();
    assertThat(changed.getMetadata().getGeneration()).isEqualTo(2);

    sim.awaitControllerRounds();
    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(
            () ->
                ((Number)
                            ControllerSupport.status(policies.withName("mgmt-retries").get())
                                .get("observedGeneration"))
                        .longValue()
                    == 1);

    networking.scale(1);
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertAccepted(sim, policies.withName("mgmt-retries").get()));
    assertThat(
            ControllerSupport.status(policies.withName("mgmt-retries").get())
                .get("observedGeneration"))
        .isEqualTo(2);
  }

  private void deleteDiscoveryResources(KubernetesClient mgmt) {
    for (String kind : List.of("Mesh", "TrafficTarget", "Workload")) {
      mgmt.genericKubernetesResources(
              SimulatedVersions.requireKind(sim.glooMeshVersion(), kind).context())
          .inNamespace(NS)
          .delete();
    }
  }

  private int countDiscoveryResources(KubernetesClient mgmt) {
    return list(sim, mgmt, "Mesh").size()
        + list(sim, mgmt, "TrafficTarget").size()
        + list(sim, mgmt, "Workload").size();
  }
}
