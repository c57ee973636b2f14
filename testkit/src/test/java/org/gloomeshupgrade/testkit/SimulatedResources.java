package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Reading simulated Gloo Mesh resources in tests, by kind, as the simulated version defines them.
 */
final class SimulatedResources {
  private SimulatedResources() {}

  static List<GenericKubernetesResource> list(
      SimulatedGlooMesh sim, KubernetesClient client, String kind) {
    return client
        .genericKubernetesResources(
            SimulatedVersions.requireKind(sim.glooMeshVersion(), kind).context())
        .inAnyNamespace()
        .list()
        .getItems();
  }

  /**
   * ACCEPTED at its current generation, as networking reports a healthy resource; for kinds whose
   * status has no state field (WasmDeployment), observed at its current generation with no state
   * written.
   */
  static void assertAccepted(SimulatedGlooMesh sim, GenericKubernetesResource resource) {
    Map<String, Object> status = ControllerSupport.status(resource);
    boolean hasState =
        InstalledKind.of(SimulatedVersions.requireKind(sim.glooMeshVersion(), resource.getKind()))
            .statusHasState();
    assertThat(status.get("state"))
        .as(resource.getKind() + " " + resource.getMetadata().getName())
        .isEqualTo(hasState ? "ACCEPTED" : null);
    assertThat(((Number) status.get("observedGeneration")).longValue())
        .isEqualTo(resource.getMetadata().getGeneration());
  }
}
