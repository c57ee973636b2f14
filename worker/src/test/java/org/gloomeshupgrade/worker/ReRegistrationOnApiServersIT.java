package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.registration.ReRegisterInput;
import org.gloomeshupgrade.registration.ReRegisterResult;
import org.gloomeshupgrade.registration.RegistrationActivitiesImpl;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.request.RegistrationMethod;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.ClusterRegistration;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 7 against real kube-apiservers, which authenticate the tokens: three remote clusters each
 * get their identity, each kubeconfig Secret on the management cluster really reaches its cluster,
 * and registering again changes nothing.
 */
class ReRegistrationOnApiServersIT {
  private static final List<String> REMOTES = List.of("cluster-1", "cluster-2", "cluster-3");
  private static final ResourceDefinitionContext KUBERNETES_CLUSTERS =
      new ResourceDefinitionContext.Builder()
          .withGroup("multicluster.solo.io")
          .withVersion("v1alpha1")
          .withKind("KubernetesCluster")
          .withPlural("kubernetesclusters")
          .withNamespaced(true)
          .build();

  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  @Test
  void everyRemoteGetsItsIdentityEveryKubeconfigSecretReachesItsClusterAndASecondRunChangesNothing()
      throws Exception {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    SimulatedGlooMesh sim =
        simulation.simulate(
            SimulatedGlooMesh.builder()
                .backend(ClusterBackend.API_SERVER)
                .managementCluster("mgmt")
                .remoteClusters(REMOTES)
                .glooMeshVersion("0.10.10")
                .discoveryDelay(Duration.ofMillis(300)));
    UpgradeHarness harness = simulation.startHarness();
    KubernetesClient mgmt = sim.client("mgmt");
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(mgmt);
    String ns = sim.namespace();

    var request = harness.request("0.11.3").put("requireApproval", false);
    UpgradeReport report = UpgradeHarness.result(harness.start(request));

    assertThat(report.outcome()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.registrations())
        .extracting(ClusterRegistration::state)
        .containsOnly(ClusterRegistration.State.REGISTERED)
        .hasSize(3);
    for (String remote : REMOTES) {
      KubernetesClient admin = sim.client(remote);
      assertThat(admin.serviceAccounts().inNamespace("gloo-mesh").withName(remote).get())
          .as(remote)
          .isNotNull();
      assertThat(admin.rbac().clusterRoles().withName("gloomesh-remote-access").get())
          .as(remote)
          .isNotNull();
      assertThat(
              admin
                  .rbac()
                  .clusterRoleBindings()
                  .withName(remote + "-gloomesh-remote-access-clusterrole-binding")
                  .get()
                  .getRoleRef()
                  .getName())
          .isEqualTo("gloomesh-remote-access");
      Secret token = admin.secrets().inNamespace("gloo-mesh").withName(remote + "-token").get();
      assertThat(token.getType()).isEqualTo("kubernetes.io/service-account-token");
      assertThat(token.getData()).containsKey("token");

      Secret kubeconfigSecret = mgmt.secrets().inNamespace(ns).withName(remote).get();
      assertThat(kubeconfigSecret.getType()).isEqualTo("solo.io/kubeconfig");
      String kubeconfig =
          new String(
              Base64.getDecoder().decode(kubeconfigSecret.getData().get("kubeconfig")),
              StandardCharsets.UTF_8);
      // What Gloo Mesh does with the Secret: a client from
      // the kubeconfig alone, which the server authenticates.
      try (KubernetesClient asGlooMesh =
          new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
        assertThat(asGlooMesh.pods().inAnyNamespace().list().getItems())
            .as("reached " + remote + " and read its workloads")
            .isNotNull();
        // gloomesh-remote-access is Gloo Mesh's narrow role, not */*/*.
        assertThatThrownBy(() -> asGlooMesh.namespaces().withName("gloo-mesh").get())
            .as("what Gloo Mesh's role does not grant")
            .isInstanceOf(KubernetesClientException.class)
            .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
        assertThat(asGlooMesh.getMasterUrl().toString()).startsWith(sim.serverUrl(remote));
      }
      Config wrongToken = Config.fromKubeconfig(kubeconfig);
      wrongToken.setOauthToken("not-the-token");
      try (KubernetesClient impostor =
          new KubernetesClientBuilder().withConfig(wrongToken).build()) {
        assertThatThrownBy(() -> impostor.namespaces().withName("gloo-mesh").get())
            .as("the server checks the token")
            .isInstanceOf(KubernetesClientException.class)
            .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(401));
      }

      GenericKubernetesResource cluster =
          mgmt.genericKubernetesResources(KUBERNETES_CLUSTERS)
              .inNamespace(ns)
              .withName(remote)
              .get();
      assertThat(cluster.getAdditionalProperties().get("spec"))
          .isEqualTo(Map.of("secretName", remote, "clusterDomain", "cluster.local"));
    }
    ConfigurationSnapshot.assertUnchanged(before, ConfigurationSnapshot.capture(mgmt));

    // The step again, with the inputs the workflow gave
    // it: nothing to create or update, no write anywhere.
    sim.clusters().forEach(c -> sim.journal(c).clear());
    try (KubernetesClients clients = new KubernetesClients(sim.kubeconfig(), "mgmt")) {
      RegistrationActivitiesImpl registration =
          new RegistrationActivitiesImpl(clients, UpgradeHarness.trusted(sim));
      for (String remote : REMOTES) {
        ReRegisterResult again =
            registration.reRegister(
                new ReRegisterInput(
                    "mgmt",
                    ns,
                    remote,
                    remote,
                    "gloo-mesh",
                    "cluster.local",
                    RegistrationMethod.NATIVE,
                    "0.11.3",
                    InstallMethod.MANIFESTS,
                    request.path("agentCharts").asText(""),
                    request.path("chart").asText(),
                    ""));
        assertThat(again.created()).as(remote).isEmpty();
        assertThat(again.updated()).as(remote).isEmpty();
      }
    }
    for (String cluster : sim.clusters()) {
      assertThat(sim.journal(cluster).mutating()).as("writes on " + cluster).isEmpty();
    }
  }
}
