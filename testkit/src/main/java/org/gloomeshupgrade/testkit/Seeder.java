package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Writes the state of a running, healthy Gloo Mesh installation into freshly started simulated
 * clusters.
 */
final class Seeder {

  static final String RELEASE_NAME = "gloo-mesh";

  private final String version;
  private final String namespace;
  private final int perCluster;
  private final boolean kubernetesControllers;

  /**
   * @param kubernetesControllers true where Kubernetes' own controllers run the Deployments: then
   *     their status and pods are left to them
   */
  Seeder(String version, String namespace, int perCluster, boolean kubernetesControllers) {
    this.version = version;
    this.namespace = namespace;
    this.perCluster = perCluster;
    this.kubernetesControllers = kubernetesControllers;
  }

  void seedRemote(KubernetesClient client) {
    namespaces(client, List.of("default", "kube-system", namespace));
  }

  /**
   * @param remoteKubeconfigs per registered cluster, the kubeconfig registration would have stored
   *     for it
   */
  void seedManagement(KubernetesClient client, Map<String, String> remoteKubeconfigs) {
    List<SimulatedKind> kinds = SimulatedVersions.kinds(version);
    Map<String, InstalledKind> byKind = new HashMap<>();
    for (SimulatedKind kind : kinds) {
      CustomResourceDefinition crd = CrdManifests.v1Crd(kind);
      crd.setStatus(CrdController.establishedStatus(crd));
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      byKind.put(kind.kind(), InstalledKind.of(kind));
    }
    // A real API server establishes CRDs on its own time and refuses their resources until then.
    for (SimulatedKind kind : kinds) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(CrdManifests.v1Crd(kind).getMetadata().getName())
          .waitUntilCondition(
              c ->
                  c != null
                      && c.getStatus() != null
                      && CrdController.established(c.getStatus().getConditions()),
              60,
              TimeUnit.SECONDS);
    }
    namespaces(
        client, List.of("default", "kube-system", namespace, GlooMeshFixtures.APP_NAMESPACE));

    for (String component : HelmChart.COMPONENTS) {
      client
          .serviceAccounts()
          .inNamespace(namespace)
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName(component)
                  .withNamespace(namespace)
                  .withLabels(helmLabels(component))
                  .withAnnotations(helmAnnotations())
                  .endMetadata()
                  .build())
          .create();
      Deployment created =
          client
              .apps()
              .deployments()
              .inNamespace(namespace)
              .resource(deployment(component))
              .create();
      if (kubernetesControllers) {
        continue;
      }
      created.setStatus(DeploymentController.statusFor(created));
      client.apps().deployments().inNamespace(namespace).resource(created).updateStatus();
      for (int i = 0; i < DeploymentController.desiredReplicas(created); i++) {
        DeploymentController.createPod(client, created);
      }
    }

    List<String> clusters = List.copyOf(remoteKubeconfigs.keySet());
    for (Map.Entry<String, String> remote : remoteKubeconfigs.entrySet()) {
      String cluster = remote.getKey();
      client
          .secrets()
          .inNamespace(namespace)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(cluster)
                  .withNamespace(namespace)
                  .endMetadata()
                  .withType("solo.io/kubeconfig")
                  .addToData(
                      "kubeconfig",
                      Base64.getEncoder()
                          .encodeToString(remote.getValue().getBytes(StandardCharsets.UTF_8)))
                  .build())
          .create();
      create(
          client,
          byKind.get("KubernetesCluster"),
          GlooMeshFixtures.kubernetesCluster(cluster, namespace),
          null,
          false);
    }

    // The chart owns the Settings object, so Helm finds it marked as its own.
    GenericKubernetesResource settings = GlooMeshFixtures.settings(version, namespace);
    Map<String, String> labels =
        new HashMap<>(
            settings.getMetadata().getLabels() == null
                ? Map.of()
                : settings.getMetadata().getLabels());
    labels.put("app.kubernetes.io/managed-by", "Helm");
    settings.getMetadata().setLabels(labels);
    Map<String, String> annotations =
        new HashMap<>(
            settings.getMetadata().getAnnotations() == null
                ? Map.of()
                : settings.getMetadata().getAnnotations());
    annotations.putAll(helmAnnotations());
    settings.getMetadata().setAnnotations(annotations);
    create(client, byKind.get("Settings"), settings, NetworkingController.ACCEPTED, true);
    for (GenericKubernetesResource resource :
        GlooMeshFixtures.configuration(version, namespace, clusters)) {
      InstalledKind kind = byKind.get(resource.getKind());
      boolean networking = NetworkingController.GROUPS.contains(kind.group());
      // RoleBinding declares no status fields: a real
      // server would prune whatever was written there.
      boolean hasStatus = !resource.getKind().equals("RoleBinding");
      create(
          client,
          kind,
          resource,
          networking && kind.statusHasState() ? NetworkingController.ACCEPTED : null,
          hasStatus);
    }

    for (SimulatedKind kind : kinds) {
      if (!kind.group().equals(SimulatedVersions.DISCOVERY_GROUP)) {
        continue;
      }
      for (String cluster : clusters) {
        for (GenericKubernetesResource resource :
            GlooMeshFixtures.discoveryResources(
                kind.apiVersion(), kind.kind(), namespace, cluster, perCluster)) {
          create(client, byKind.get(kind.kind()), resource, null, true);
        }
      }
    }
  }

  Deployment deployment(String component) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(component)
        .withNamespace(namespace)
        .withLabels(helmLabels(component))
        .withAnnotations(helmAnnotations())
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", component)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", component)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(component)
        .addNewContainer()
        .withName(component)
        .withImage(HelmChart.DEFAULT_REGISTRY + "/" + component + ":" + version)
        .withImagePullPolicy("IfNotPresent")
        .withArgs(
            component,
            "--metrics-port=9091",
            "--settings-name=settings",
            "--settings-namespace=" + namespace,
            "--verbose=false")
        .addNewEnv()
        .withName("POD_NAMESPACE")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("metadata.namespace")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .addNewPort()
        .withName("metrics")
        .withContainerPort(9091)
        .endPort()
        .addNewPort()
        .withName("healthcheck")
        .withContainerPort(8090)
        .endPort()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private Map<String, String> helmLabels(String component) {
    return Map.of(
        "app", component,
        "app.kubernetes.io/name", HelmChart.CHART_NAME,
        "app.kubernetes.io/instance", RELEASE_NAME,
        "app.kubernetes.io/version", version,
        "app.kubernetes.io/managed-by", "Helm");
  }

  private Map<String, String> helmAnnotations() {
    return Map.of(
        "meta.helm.sh/release-name", RELEASE_NAME,
        "meta.helm.sh/release-namespace", namespace);
  }

  /** A real API server makes default and kube-system itself; the mock makes none. */
  private static void namespaces(KubernetesClient client, List<String> names) {
    for (String name : Set.copyOf(names)) {
      if (client.namespaces().withName(name).get() == null) {
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
      }
    }
  }

  /** The name of the {@code i}th TrafficPolicy {@link #seedPolicies} seeds. */
  static String policyName(int i) {
    return "policy-%05d".formatted(i);
  }

  /** {@code count} TrafficPolicies in the application namespace, each ACCEPTED. */
  void seedPolicies(KubernetesClient client, int count) {
    if (count == 0) {
      return;
    }
    InstalledKind kind =
        SimulatedVersions.kinds(version).stream()
            .filter(k -> k.kind().equals("TrafficPolicy"))
            .map(InstalledKind::of)
            .findFirst()
            .orElseThrow();
    for (int i = 0; i < count; i++) {
      GenericKubernetesResource policy =
          GlooMeshFixtures.trafficPolicy(
              kind.apiVersion(), GlooMeshFixtures.APP_NAMESPACE, policyName(i));
      create(client, kind, policy, NetworkingController.ACCEPTED, true);
    }
  }

  /**
   * Creates a resource, then writes its status: the server drops status on create when the kind has
   * a status subresource.
   */
  private static void create(
      KubernetesClient client,
      InstalledKind kind,
      GenericKubernetesResource resource,
      String state,
      boolean withStatus) {
    GenericKubernetesResource created =
        client
            .genericKubernetesResources(kind.context())
            .inNamespace(resource.getMetadata().getNamespace())
            .resource(resource)
            .create();
    if (withStatus) {
      ControllerSupport.writeObservedGeneration(client, kind, created, state);
    }
  }
}
