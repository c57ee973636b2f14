package org.gloomeshupgrade.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.kube.MockRequests;
import org.gloomeshupgrade.kube.PodCreationHold;
import org.gloomeshupgrade.kube.PodHolds;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class DeploymentActivitiesImplTest {
  private static final String NS = "gloo-mesh";

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path tmp;

  private KubernetesClients clients;
  private DeploymentActivitiesImpl activities;
  private ScheduledExecutorService controller;

  @BeforeEach
  void setUp() {
    clients = MockKubeconfig.context("mgmt", client).clients(tmp);
    activities = new DeploymentActivitiesImpl(clients);
  }

  @AfterEach
  void tearDown() {
    if (controller != null) {
      controller.shutdownNow();
    }
    clients.close();
  }

  @Test
  void scalesToZeroAndWaitsUntilNoPodOfTheDeploymentIsLeft() {
    deployment("networking", 1);
    pod("networking-abc", "networking");
    pod("discovery-xyz", "discovery");
    fakeController(Duration.ofMillis(600));

    ScaleResult result = activities.scale(new ScaleInput("mgmt", NS, "networking", 0, 10));

    assertThat(result).isEqualTo(new ScaleResult("networking", 1, 0, true, result.waitedMillis()));
    assertThat(result.waitedMillis())
        .as("the controller acts 600 ms after the scale")
        .isGreaterThanOrEqualTo(400);
    assertThat(get("networking").getSpec().getReplicas()).isZero();
    assertThat(client.pods().inNamespace(NS).withName("networking-abc").get()).isNull();
    assertThat(client.pods().inNamespace(NS).withName("discovery-xyz").get()).isNotNull();
  }

  @Test
  void scalesUpAndWaitsForAvailableReplicasAtTheCurrentGeneration() {
    deployment("discovery", 0);
    fakeController(Duration.ofMillis(500));

    ScaleResult result = activities.scale(new ScaleInput("mgmt", NS, "discovery", 1, 10));

    assertThat(result.previousReplicas()).isZero();
    assertThat(result.replicas()).isEqualTo(1);
    assertThat(result.changed()).isTrue();
    Deployment after = get("discovery");
    assertThat(after.getStatus().getAvailableReplicas()).isEqualTo(1);
    assertThat(after.getStatus().getObservedGeneration())
        .isGreaterThanOrEqualTo(after.getMetadata().getGeneration());
  }

  @Test
  void scalingDownRecordsTheCountOnTheDeploymentAndScalingUpClearsIt() {
    deployment("networking", 3);
    fakeController(Duration.ofMillis(100));

    activities.scale(new ScaleInput("mgmt", NS, "networking", 0, 10));

    assertThat(get("networking").getMetadata().getAnnotations())
        .containsEntry(ReplicasBeforeUpgrade.ANNOTATION, "3");
    assertThat(ReplicasBeforeUpgrade.recorded(get("networking"))).contains(3);
    // A retried scale-down finds 0 and keeps the count it recorded before.
    activities.scale(new ScaleInput("mgmt", NS, "networking", 0, 10));
    assertThat(ReplicasBeforeUpgrade.recorded(get("networking"))).contains(3);

    activities.scale(new ScaleInput("mgmt", NS, "networking", 3, 10));

    assertThat(get("networking").getMetadata().getAnnotations())
        .doesNotContainKey(ReplicasBeforeUpgrade.ANNOTATION);
    assertThat(get("networking").getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void scalingUpLiftsAPodHoldAnInterruptedControlPlaneStepLeftBehind() {
    deployment("discovery", 0);
    PodHolds.leftBehind(client, NS, 0);
    fakeController(Duration.ofMillis(100));

    activities.scale(new ScaleInput("mgmt", NS, "discovery", 1, 10));

    assertThat(client.resourceQuotas().inNamespace(NS).withName(PodCreationHold.NAME).get())
        .isNull();
  }

  @Test
  void scalingDownLeavesAPodHoldAlone() {
    deployment("networking", 1);
    PodHolds.leftBehind(client, NS, 0);
    fakeController(Duration.ofMillis(100));

    activities.scale(new ScaleInput("mgmt", NS, "networking", 0, 10));

    assertThat(client.resourceQuotas().inNamespace(NS).withName(PodCreationHold.NAME).get())
        .isNotNull();
  }

  @Test
  void writesNothingWhenTheDeploymentAlreadyHasTheWantedCount() throws Exception {
    deployment("networking", 0);
    drainRequests();

    ScaleResult result = activities.scale(new ScaleInput("mgmt", NS, "networking", 0, 5));

    assertThat(result.changed()).isFalse();
    assertThat(result.previousReplicas()).isZero();
    assertThat(drainRequests()).allSatisfy(r -> assertThat(r.getMethod()).isEqualTo("GET"));
  }

  @Test
  void scalingTwiceEqualsScalingOnce() {
    deployment("networking", 1);
    pod("networking-abc", "networking");
    fakeController(Duration.ofMillis(100));

    ScaleResult first = activities.scale(new ScaleInput("mgmt", NS, "networking", 0, 10));
    ScaleResult second = activities.scale(new ScaleInput("mgmt", NS, "networking", 0, 10));

    assertThat(first.changed()).isTrue();
    assertThat(second.changed()).isFalse();
    assertThat(second.previousReplicas()).isZero();
    assertThat(get("networking").getSpec().getReplicas()).isZero();
  }

  @Test
  void timesOutRetryablySayingWhichPodsAreLeft() {
    deployment("networking", 1);
    pod("networking-stuck", "networking");

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.scale(new ScaleInput("mgmt", NS, "networking", 0, 1)));

    assertThat(failure.getType()).isEqualTo(FailureTypes.WAIT_TIMED_OUT);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage())
        .contains("gloo-mesh/networking", "networking-stuck", "1 pod(s) left", "mgmt");
  }

  @Test
  void timesOutRetryablySayingHowManyAreAvailable() {
    deployment("discovery", 0);

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.scale(new ScaleInput("mgmt", NS, "discovery", 2, 1)));

    assertThat(failure.getType()).isEqualTo(FailureTypes.WAIT_TIMED_OUT);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).contains("0 of 2 available", "gloo-mesh/discovery");
  }

  @Test
  void missingDeploymentIsNonRetryableNotFoundNamingIt() {
    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.scale(new ScaleInput("mgmt", NS, "networking", 0, 5)));

    assertThat(failure.getType()).isEqualTo(FailureTypes.NOT_FOUND);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("gloo-mesh/networking");
  }

  @Test
  void forbiddenScaleIsNonRetryableAndNamesTheDeployment() {
    deployment("networking", 1);
    server
        .expect()
        .patch()
        .withPath("/apis/apps/v1/namespaces/gloo-mesh/deployments/networking/scale")
        .andReturn(403, status(403, "Forbidden", "deployments.apps \"networking\" is forbidden"))
        .always();
    server
        .expect()
        .put()
        .withPath("/apis/apps/v1/namespaces/gloo-mesh/deployments/networking/scale")
        .andReturn(403, status(403, "Forbidden", "deployments.apps \"networking\" is forbidden"))
        .always();

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.scale(new ScaleInput("mgmt", NS, "networking", 0, 5)));

    assertThat(failure.getType()).isEqualTo(FailureTypes.FORBIDDEN);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("gloo-mesh/networking", "mgmt");
  }

  @Test
  void serverErrorWhileScalingIsRetryable() {
    deployment("networking", 1);
    server
        .expect()
        .patch()
        .withPath("/apis/apps/v1/namespaces/gloo-mesh/deployments/networking/scale")
        .andReturn(500, status(500, "InternalError", "etcd is unhappy"))
        .always();
    server
        .expect()
        .put()
        .withPath("/apis/apps/v1/namespaces/gloo-mesh/deployments/networking/scale")
        .andReturn(500, status(500, "InternalError", "etcd is unhappy"))
        .always();

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.scale(new ScaleInput("mgmt", NS, "networking", 0, 5)));

    assertThat(failure.getType()).isEqualTo(FailureTypes.SERVER_ERROR);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).contains("gloo-mesh/networking", "etcd is unhappy");
  }

  @Test
  void refusesAContextTheKubeconfigLacks() {
    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.scale(new ScaleInput("prod", NS, "networking", 0, 5)));

    assertThat(failure.getType()).isEqualTo(FailureTypes.UNKNOWN_CONTEXT);
    assertThat(failure.isNonRetryable()).isTrue();
  }

  @Test
  void heartbeatsWhatItIsWaitingForWhenRunAsAnActivity() {
    deployment("networking", 1);
    pod("networking-abc", "networking");
    fakeController(Duration.ofMillis(800));
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      List<String> beats = new CopyOnWriteArrayList<>();
      env.setActivityHeartbeatListener(String.class, beats::add);
      env.registerActivitiesImplementations(activities);
      DeploymentActivities stub =
          env.newActivityStub(
              DeploymentActivities.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(20)).build());

      ScaleResult result = stub.scale(new ScaleInput("mgmt", NS, "networking", 0, 10));

      assertThat(result.changed()).isTrue();
      assertThat(beats)
          .isNotEmpty()
          .allSatisfy(b -> assertThat(b).contains("gloo-mesh/networking -> 0"));
    } finally {
      env.close();
    }
  }

  @Test
  void failuresReachTemporalAsNonRetryableWhenRunAsAnActivity() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.registerActivitiesImplementations(activities);
      DeploymentActivities stub =
          env.newActivityStub(
              DeploymentActivities.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(20)).build());

      ActivityFailure failure =
          catchThrowableOfType(
              ActivityFailure.class,
              () -> stub.scale(new ScaleInput("mgmt", NS, "networking", 0, 10)));

      assertThat(failure.getCause())
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              cause -> {
                assertThat(cause.getType()).isEqualTo(FailureTypes.NOT_FOUND);
                assertThat(cause.isNonRetryable()).isTrue();
              });
    } finally {
      env.close();
    }
  }

  // --- a small stand-in for the deployment controller and kubelet ---

  /**
   * Deletes a scaled-down deployment's pods, and reports a scaled-up one available, {@code delay}
   * after it first sees the deployment's generation, as a slow Deployment controller would: the
   * delay counts from the change, not from the test's start, so a slow machine cannot eat it up.
   */
  private void fakeController(Duration delay) {
    controller = Executors.newSingleThreadScheduledExecutor();
    Map<String, Long> changedAt = new HashMap<>();
    controller.scheduleWithFixedDelay(
        () -> {
          try {
            for (Deployment d : client.apps().deployments().inNamespace(NS).list().getItems()) {
              String name = d.getMetadata().getName();
              int replicas = d.getSpec().getReplicas();
              boolean settled =
                  d.getStatus() != null
                      && d.getStatus().getAvailableReplicas() != null
                      && d.getStatus().getAvailableReplicas() == replicas
                      && d.getMetadata()
                          .getGeneration()
                          .equals(d.getStatus().getObservedGeneration());
              if (settled
                  && (replicas > 0
                      || client
                          .pods()
                          .inNamespace(NS)
                          .withLabel("app", name)
                          .list()
                          .getItems()
                          .isEmpty())) {
                continue;
              }
              long since =
                  changedAt.computeIfAbsent(
                      name + "@" + d.getMetadata().getGeneration(), key -> System.nanoTime());
              if (System.nanoTime() - since < delay.toNanos()) {
                continue;
              }
              if (replicas == 0) {
                client.pods().inNamespace(NS).withLabel("app", name).delete();
              }
              d.setStatus(
                  new DeploymentStatusBuilder()
                      .withReplicas(replicas)
                      .withAvailableReplicas(replicas)
                      .withObservedGeneration(d.getMetadata().getGeneration())
                      .build());
              client.apps().deployments().resource(d).updateStatus();
            }
          } catch (RuntimeException ignored) {
            // a conflict with the activity's write: the next round sees the new state
          }
        },
        0,
        50,
        TimeUnit.MILLISECONDS);
  }

  private void deployment(String name, int replicas) {
    client
        .apps()
        .deployments()
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(name)
                .withImage("gcr.io/gloo-mesh/" + name + ":0.11.1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private void pod(String name, String app) {
    client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .withLabels(Map.of("app", app, "pod-template-hash", "abc"))
                .endMetadata()
                .build())
        .create();
  }

  private Deployment get(String name) {
    return client.apps().deployments().inNamespace(NS).withName(name).get();
  }

  private List<RecordedRequest> drainRequests() throws InterruptedException {
    return MockRequests.drain(server);
  }

  private static Status status(int code, String reason, String message) {
    return new StatusBuilder()
        .withCode(code)
        .withReason(reason)
        .withMessage(message)
        .withStatus("Failure")
        .build();
  }
}
