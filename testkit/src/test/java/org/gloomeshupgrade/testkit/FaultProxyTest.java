package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fault proxy on the mock backend: what a client under test sees for each kind of fault, and
 * what reached the API server. ApiServerBackendIT checks it over TLS on a real API server.
 */
class FaultProxyTest {

  private static final String NS = "gloo-mesh";

  private SimulatedGlooMesh sim;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    sim =
        SimulatedGlooMesh.builder()
            .managementCluster("mgmt")
            .remoteClusters("cluster-1")
            .glooMeshVersion("0.10.10")
            .faultProxy()
            .build();
    client = clientWithTimeout(Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    client.close();
    sim.close();
  }

  private KubernetesClient clientWithTimeout(Duration timeout) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(sim.config("mgmt"))
                .withRequestTimeout((int) timeout.toMillis())
                .build())
        .build();
  }

  @Test
  void kubeconfigPointsAtTheProxyAndRequestsPassThroughUnchanged() {
    assertThat(sim.serverUrl("mgmt"))
        .isEqualTo(sim.config("mgmt").getMasterUrl().replaceAll("/$", ""));
    client.configMaps().inNamespace(NS).resource(configMap("through")).create();

    assertThat(sim.client("mgmt").configMaps().inNamespace(NS).withName("through").get())
        .isNotNull();
    RecordedCall create = sim.journal("mgmt").matching("POST", "/configmaps$").get(0);
    assertThat(create.responseCode()).isEqualTo(201);
    assertThat(create.body()).contains("\"through\"");
  }

  @Test
  void aStatusFaultAnswersWithoutReachingTheApiServer() {
    ArmedFault fault = sim.faults("mgmt").failNext("POST", "/configmaps$", 503, 1);

    assertThatThrownBy(() -> client.configMaps().inNamespace(NS).resource(configMap("a")).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(503);
              assertThat(e.getStatus().getReason()).isEqualTo("ServiceUnavailable");
            });

    assertThat(fault.injected()).isEqualTo(1);
    assertThat(sim.journal("mgmt").matching("POST", "/configmaps$")).isEmpty();
    client.configMaps().inNamespace(NS).resource(configMap("a")).create();
    assertThat(sim.journal("mgmt").matching("POST", "/configmaps$")).hasSize(1);
  }

  @Test
  void aThrottledRequestCarriesRetryAfterInItsHeaderAndStatus() {
    sim.faults("mgmt").throttleNext("GET", "/configmaps$", 7, 1);

    assertThatThrownBy(() -> client.configMaps().inNamespace(NS).list())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(429);
              assertThat(e.getStatus().getDetails().getRetryAfterSeconds()).isEqualTo(7);
            });
  }

  @Test
  void aResetLosesTheAnswerOfAWriteTheApiServerMade() {
    ArmedFault fault = sim.faults("mgmt").resetNext("POST", "/configmaps$", 1);

    assertThatThrownBy(
            () -> client.configMaps().inNamespace(NS).resource(configMap("lost")).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(
            e ->
                assertThat(((KubernetesClientException) e).getCode())
                    .as("no HTTP status reached the client")
                    .isLessThan(100));

    assertThat(fault.injected()).isEqualTo(1);
    assertThat(sim.client("mgmt").configMaps().inNamespace(NS).withName("lost").get())
        .as("the write happened although the client saw no answer")
        .isNotNull();
  }

  @Test
  void aTimeoutHoldsTheAnswerPastTheClientsTimeout() {
    sim.faults("mgmt").timeOutNext("POST", "/configmaps$", 1);
    long started = System.nanoTime();

    try (KubernetesClient impatient = clientWithTimeout(Duration.ofSeconds(1))) {
      assertThatThrownBy(
              () -> impatient.configMaps().inNamespace(NS).resource(configMap("held")).create())
          .isInstanceOf(KubernetesClientException.class)
          .hasStackTraceContaining("Timeout");
    }

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FaultProxy.HELD_ANSWER);
    assertThat(sim.client("mgmt").configMaps().inNamespace(NS).withName("held").get()).isNotNull();
  }

  @Test
  void watchesPassThroughTheProxy() throws Exception {
    CompletableFuture<String> added = new CompletableFuture<>();
    try (Watch ignored =
        client
            .configMaps()
            .inNamespace(NS)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ConfigMap resource) {
                    if (action == Action.ADDED && resource.getMetadata().getName().equals("seen")) {
                      added.complete(resource.getMetadata().getName());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      sim.client("mgmt").configMaps().inNamespace(NS).resource(configMap("seen")).create();
      assertThat(added.get(10, TimeUnit.SECONDS)).isEqualTo("seen");
    }
  }

  @Test
  void resetsAndTimeoutsNeedTheProxy() {
    try (SimulatedGlooMesh plain =
        SimulatedGlooMesh.builder().managementCluster("mgmt").glooMeshVersion("0.10.10").build()) {
      assertThatThrownBy(() -> plain.faults("mgmt").resetNext("POST", ".*", 1))
          .hasMessageContaining("faultProxy()");
      assertThatThrownBy(() -> plain.faults("mgmt").timeOutNext("POST", ".*", 1))
          .hasMessageContaining("faultProxy()");
    }
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .addToData("k", "v")
        .build();
  }
}
