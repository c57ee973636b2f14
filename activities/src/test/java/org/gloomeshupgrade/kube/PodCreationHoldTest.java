package org.gloomeshupgrade.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class PodCreationHoldTest {
  private static final String NS = "gloo-mesh";
  private static final String HOLD_PATH =
      "/api/v1/namespaces/" + NS + "/resourcequotas/" + PodCreationHold.NAME;

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void placingCreatesAQuotaOfZeroPodsAndReturnsOnceTheQuotaControllerCountedIt() {
    try (QuotaCounter counter = QuotaCounter.start(client)) {
      new PodCreationHold(client, "mgmt", NS).place();
    }

    ResourceQuota quota = hold();
    assertThat(quota.getSpec().getHard()).containsOnlyKeys("pods");
    assertThat(quota.getSpec().getHard().get("pods")).isEqualTo(new Quantity("0"));
    assertThat(PodCreationHold.enforced(quota)).isTrue();
    assertThat(quota.getMetadata().getLabels())
        .containsEntry(Labels.MANAGED_BY, "gloo-mesh-upgrade");
    assertThat(quota.getMetadata().getAnnotations().get("gloo-mesh-upgrade/purpose"))
        .contains("kubectl delete resourcequota gloo-mesh-upgrade-pod-hold -n gloo-mesh");
  }

  @Test
  void placingSetsAQuotaLeftByAnAttemptThatDiedBackToZeroPods() {
    PodHolds.leftBehind(client, NS, 5);

    try (QuotaCounter counter = QuotaCounter.start(client)) {
      new PodCreationHold(client, "mgmt", NS).place();
    }

    assertThat(hold().getSpec().getHard().get("pods")).isEqualTo(new Quantity("0"));
    assertThat(PodCreationHold.enforced(hold())).isTrue();
  }

  @Test
  void placingFailsRetryablyNamingTheQuotaWhenNothingCountsIt() {
    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> new PodCreationHold(client, "mgmt", NS, Duration.ofMillis(300)).place());

    assertThat(failure.getType()).isEqualTo(FailureTypes.WAIT_TIMED_OUT);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage())
        .contains("gloo-mesh/gloo-mesh-upgrade-pod-hold on cluster mgmt")
        .contains("did not count it within 0 s")
        .contains("resourcequota controller");
  }

  @Test
  void aQuotaIsEnforcedOnlyWithItsLimitAndItsCountInTheStatus() {
    ResourceQuota quota =
        new ResourceQuotaBuilder()
            .withNewSpec()
            .addToHard("pods", new Quantity("0"))
            .endSpec()
            .build();
    assertThat(PodCreationHold.enforced(null)).isFalse();
    assertThat(PodCreationHold.enforced(quota)).as("no status yet").isFalse();
    quota.setStatus(new ResourceQuotaStatus());
    quota.getStatus().setHard(Map.of("pods", new Quantity("0")));
    assertThat(PodCreationHold.enforced(quota)).as("limit without a count").isFalse();
    quota.getStatus().setUsed(Map.of("pods", new Quantity("2")));
    assertThat(PodCreationHold.enforced(quota)).isTrue();
    quota.getStatus().setHard(Map.of("pods", new Quantity("1")));
    assertThat(PodCreationHold.enforced(quota)).as("the count of an older limit").isFalse();
  }

  @Test
  void liftingRemovesTheQuotaAndSaysThereWasOne() {
    try (QuotaCounter counter = QuotaCounter.start(client)) {
      new PodCreationHold(client, "mgmt", NS).place();
    }
    PodCreationHold hold = new PodCreationHold(client, "mgmt", NS);

    assertThat(hold.lift()).isTrue();
    assertThat(hold()).isNull();
    assertThat(hold.lift()).as("a second time").isFalse();
  }

  @Test
  void liftingWithoutAHoldOnlyReads() throws Exception {
    drainRequests();

    assertThat(new PodCreationHold(client, "mgmt", NS).lift()).isFalse();

    assertThat(drainRequests())
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.getMethod()).isEqualTo("GET"));
  }

  @Test
  void aWorkerThatMayNotReadQuotasFindsNoHoldToLiftBeforeAScaleUp() {
    server
        .expect()
        .get()
        .withPath(HOLD_PATH)
        .andReturn(
            403,
            new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage("resourcequotas is forbidden")
                .build())
        .always();
    PodCreationHold hold = new PodCreationHold(client, "mgmt", NS);

    assertThat(hold.liftIfLeft()).isFalse();
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, hold::lift);
    assertThat(failure.getType()).isEqualTo(FailureTypes.FORBIDDEN);
    assertThat(failure.getOriginalMessage()).contains("lifting pod hold " + NS + "/");
  }

  @Test
  void asksForExactlyTheVerbsItUsesOnQuotasOfTheNamespace() {
    assertThat(PodCreationHold.permissions("mgmt", NS))
        .extracting(PermissionReview::describe)
        .containsExactly(
            "get resourcequotas in gloo-mesh on mgmt",
            "create resourcequotas in gloo-mesh on mgmt",
            "update resourcequotas in gloo-mesh on mgmt",
            "delete resourcequotas in gloo-mesh on mgmt");
  }

  private ResourceQuota hold() {
    return client.resourceQuotas().inNamespace(NS).withName(PodCreationHold.NAME).get();
  }

  private List<RecordedRequest> drainRequests() throws InterruptedException {
    return MockRequests.drain(server);
  }
}
