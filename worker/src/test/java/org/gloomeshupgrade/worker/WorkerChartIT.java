package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The worker's chart on a real kube-apiserver (with etcd, RBAC and its default admission plugins):
 * every object each set-up renders is accepted by a server-side dry run; the pod it runs passes the
 * restricted Pod Security Standard; and, installed, the ServiceAccount holds every grant of
 * deploy/rbac/management-cluster.yaml, the namespaced ones in the Gloo Mesh namespace only. No
 * kubelet runs the pod: whether the worker starts in it is not shown here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerChartIT {
  private static final String SERVICE_MONITORS = "servicemonitors.monitoring.coreos.com";
  private static final String ACCOUNT_USER =
      "system:serviceaccount:%s:%s".formatted(WorkerChart.NAMESPACE, WorkerChart.RELEASE);

  private static SimulatedGlooMesh sim;
  private static KubernetesClient admin;

  @BeforeAll
  static void apiServer() throws IOException {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    sim =
        SimulatedGlooMesh.builder()
            .backend(ClusterBackend.API_SERVER)
            .remoteClusters()
            .discoveryPaused(true)
            .build();
    admin = sim.client(sim.managementCluster());
    // The release's namespace enforces the restricted Pod Security Standard: a pod of the chart
    // that is not restricted-compliant is refused there.
    admin
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(WorkerChart.NAMESPACE)
                .withLabels(Map.of("pod-security.kubernetes.io/enforce", "restricted"))
                .endMetadata()
                .build())
        .create();
    if (admin.namespaces().withName("gloo-mesh").get() == null) {
      admin
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("gloo-mesh").endMetadata().build())
          .create();
    }
    try (InputStream crd =
        WorkerChartIT.class.getResourceAsStream(
            "/crds/monitoring.coreos.com_servicemonitors.yaml")) {
      admin
          .resource(admin.apiextensions().v1().customResourceDefinitions().load(crd).item())
          .create();
    }
    admin
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(SERVICE_MONITORS)
        .waitUntilCondition(WorkerChartIT::established, 30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  @Order(1)
  void everyObjectOfEverySetUpIsAcceptedByTheServerInADryRun() {
    for (Map.Entry<String, RenderedChart> setUp : WorkerChart.everySetUp().entrySet()) {
      List<String> refused = new ArrayList<>();
      RenderedChart chart = setUp.getValue();
      for (HasMetadata object : chart.objects()) {
        try {
          admin.resource(object).dryRun().create();
        } catch (KubernetesClientException e) {
          refused.add(
              "%s %s: %s"
                  .formatted(object.getKind(), object.getMetadata().getName(), e.getMessage()));
        }
      }
      assertThat(refused).as("refused, with %s", setUp.getKey()).isEmpty();
    }
  }

  @Test
  @Order(2)
  void theWorkersPodPassesTheRestrictedPodSecurityStandard() {
    // The ServiceAccount admission plugin refuses a pod whose account does not exist.
    admin
        .resource(WorkerChart.render().one(ServiceAccount.class))
        .createOr(NonDeletingOperation::update);
    for (Map.Entry<String, RenderedChart> setUp : WorkerChart.everySetUp().entrySet()) {
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(WorkerChart.RELEASE + "-pod")
              .withNamespace(WorkerChart.NAMESPACE)
              .endMetadata()
              .withSpec(setUp.getValue().pod())
              .build();

      Pod accepted = admin.resource(pod).dryRun().create();

      assertThat(accepted.getMetadata().getNamespace())
          .as(setUp.getKey())
          .isEqualTo(WorkerChart.NAMESPACE);
    }
  }

  @Test
  @Order(3)
  void installedTheServiceAccountHoldsEveryShippedManagementGrantAndTheNamespacedOnesOnlyThere()
      throws IOException {
    RenderedChart chart = WorkerChart.render();
    for (HasMetadata object : chart.objects()) {
      admin.resource(object).createOr(NonDeletingOperation::update);
    }
    List<ShippedRbac.Grant> grants =
        ShippedRbac.read(DeployRbacTest.RBAC.resolve("management-cluster.yaml")).grants();

    List<String> denied = new ArrayList<>();
    List<String> leaked = new ArrayList<>();
    for (ShippedRbac.Grant grant : grants) {
      String where = grant.namespace().isEmpty() ? "gloo-mesh" : grant.namespace();
      if (!allowed(grant, where)) {
        denied.add(grant.toString());
      }
      if (!grant.namespace().isEmpty() && allowed(grant, "default")) {
        leaked.add(grant + " also in default");
      }
    }

    assertThat(grants).hasSizeGreaterThan(40);
    assertThat(denied).as("granted by deploy/rbac, not held by the chart's account").isEmpty();
    assertThat(leaked).as("namespaced grants held elsewhere").isEmpty();
    SubjectAccessReview escalate =
        review("rbac.authorization.k8s.io", "clusterroles", "escalate", "");
    assertThat(escalate.getStatus().getAllowed()).as("the account may not escalate").isFalse();
  }

  private static boolean allowed(ShippedRbac.Grant grant, String namespace) {
    return review(grant.group(), grant.resource(), grant.verb(), namespace)
        .getStatus()
        .getAllowed();
  }

  private static SubjectAccessReview review(
      String group, String resource, String verb, String namespace) {
    ResourceAttributes attributes = new ResourceAttributes();
    attributes.setGroup(group);
    // deployments/scale is the scale subresource of deployments.
    String[] parts = resource.split("/", 2);
    attributes.setResource(parts[0]);
    if (parts.length == 2) {
      attributes.setSubresource(parts[1]);
    }
    attributes.setVerb(verb);
    attributes.setNamespace(namespace);
    return admin
        .resource(
            new SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(ACCOUNT_USER)
                .withGroups(
                    "system:serviceaccounts",
                    "system:serviceaccounts:" + WorkerChart.NAMESPACE,
                    "system:authenticated")
                .withResourceAttributes(attributes)
                .endSpec()
                .build())
        .create();
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
  }
}
