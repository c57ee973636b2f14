package org.gloomeshupgrade.testkit;

import static org.gloomeshupgrade.testkit.Json.map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Gloo Mesh objects a simulated management cluster holds: what discovery writes for each
 * registered cluster, and the user's networking, rbac and settings configuration. Every field set
 * here is declared in the simulated schema of the version, so a schema check finds nothing to prune
 * unless the schema changed between versions.
 */
public final class GlooMeshFixtures {

  public static final String OWNER_LABEL = "owner.discovery.mesh.gloo.solo.io";
  public static final String CLUSTER_LABEL = "cluster.discovery.mesh.gloo.solo.io";

  /** The namespace outside the management namespace that holds part of the user's configuration. */
  public static final String APP_NAMESPACE = "bookinfo";

  private static final List<String> SERVICES =
      List.of("productpage", "details", "reviews", "ratings");

  private GlooMeshFixtures() {}

  /** The name discovery gives the Istio mesh of a cluster. */
  public static String meshName(String cluster) {
    return "istiod-istio-system-" + cluster;
  }

  /**
   * What discovery writes for one cluster and one discovery kind: one Mesh, or {@code perCluster}
   * of any other kind. Kinds the simulator has no template for (a later version's) get an empty
   * spec.
   */
  public static List<GenericKubernetesResource> discoveryResources(
      String apiVersion, String kind, String namespace, String cluster, int perCluster) {
    List<GenericKubernetesResource> resources = new ArrayList<>();
    if (perCluster <= 0) {
      return resources;
    }
    if (kind.equals("Mesh")) {
      resources.add(
          discovered(
              apiVersion,
              kind,
              meshName(cluster),
              namespace,
              cluster,
              map(
                  "istio",
                      map(
                          "installation",
                              map(
                                  "namespace",
                                  "istio-system",
                                  "cluster",
                                  cluster,
                                  "podLabels",
                                  map("app", "istiod"),
                                  "version",
                                  "1.8.2"),
                          "trustDomain", "cluster.local",
                          "istiodServiceAccount", "istiod-service-account"),
                  "agentInfo", map("agentNamespace", namespace))));
      return resources;
    }
    for (int i = 0; i < perCluster; i++) {
      String service = i < SERVICES.size() ? SERVICES.get(i) : "service-" + (i + 1);
      Map<String, Object> meshRef = map("name", meshName(cluster), "namespace", namespace);
      switch (kind) {
        case "TrafficTarget", "Destination" ->
            resources.add(
                discovered(
                    apiVersion,
                    kind,
                    service + "-" + APP_NAMESPACE + "-" + cluster,
                    namespace,
                    cluster,
                    map(
                        "kubeService",
                        map(
                            "ref",
                                map(
                                    "name",
                                    service,
                                    "namespace",
                                    APP_NAMESPACE,
                                    "clusterName",
                                    cluster),
                            "workloadSelectorLabels", map("app", service),
                            "labels", map("app", service, "service", service),
                            "ports", List.of(map("port", 9080, "name", "http", "protocol", "TCP"))),
                        "mesh",
                        meshRef)));
        case "Workload" ->
            resources.add(
                discovered(
                    apiVersion,
                    kind,
                    service + "-v1-" + APP_NAMESPACE + "-" + cluster + "-deployment",
                    namespace,
                    cluster,
                    map(
                        "kubernetes",
                        map(
                            "controller",
                                map(
                                    "name",
                                    service + "-v1",
                                    "namespace",
                                    APP_NAMESPACE,
                                    "clusterName",
                                    cluster),
                            "podLabels", map("app", service, "version", "v1"),
                            "serviceAccountName", "bookinfo-" + service),
                        "mesh",
                        meshRef)));
        default ->
            resources.add(
                discovered(
                    apiVersion,
                    kind,
                    kind.toLowerCase(Locale.ROOT) + "-" + (i + 1) + "-" + cluster,
                    namespace,
                    cluster,
                    map()));
      }
    }
    return resources;
  }

  /**
   * The user's configuration: TrafficPolicy and AccessPolicy in the management namespace and in
   * {@link #APP_NAMESPACE}, a VirtualMesh, a FailoverService, a WasmDeployment, a Role and a
   * RoleBinding. Statuses are not part of it: the API server drops status on create.
   */
  public static List<GenericKubernetesResource> configuration(
      String version, String namespace, List<String> clusters) {
    String first = clusters.isEmpty() ? "cluster-1" : clusters.get(0);
    String second = clusters.size() > 1 ? clusters.get(1) : first;
    List<Map<String, Object>> meshRefs =
        clusters.stream().map(c -> map("name", meshName(c), "namespace", namespace)).toList();
    String networking = SimulatedVersions.NETWORKING_GROUP + "/v1alpha2";

    List<GenericKubernetesResource> resources = new ArrayList<>();
    resources.add(
        resource(
            networking,
            "TrafficPolicy",
            "mgmt-retries",
            namespace,
            map(
                "destinationSelector",
                    List.of(map("kubeServiceMatcher", map("namespaces", List.of(APP_NAMESPACE)))),
                "requestTimeout", "10s",
                "retries", map("attempts", 3, "perTryTimeout", "2s"))));
    resources.add(
        resource(
            networking,
            "TrafficPolicy",
            "reviews-shift",
            APP_NAMESPACE,
            map(
                "destinationSelector",
                    List.of(
                        map(
                            "kubeServiceRefs",
                            map(
                                "services",
                                List.of(
                                    map(
                                        "name",
                                        "reviews",
                                        "namespace",
                                        APP_NAMESPACE,
                                        "clusterName",
                                        first))))),
                "trafficShift",
                    map(
                        "destinations",
                        List.of(
                            map(
                                "kubeService",
                                map(
                                    "name",
                                    "reviews",
                                    "namespace",
                                    APP_NAMESPACE,
                                    "clusterName",
                                    second,
                                    "subset",
                                    map("version", "v3")),
                                "weight",
                                75),
                            map(
                                "kubeService",
                                map(
                                    "name",
                                    "reviews",
                                    "namespace",
                                    APP_NAMESPACE,
                                    "clusterName",
                                    first,
                                    "subset",
                                    map("version", "v1")),
                                "weight",
                                25))))));
    resources.add(
        resource(
            networking,
            "AccessPolicy",
            "istio-ingress-access",
            namespace,
            map(
                "sourceSelector",
                    List.of(
                        map(
                            "kubeServiceAccountRefs",
                            map(
                                "serviceAccounts",
                                List.of(
                                    map(
                                        "name",
                                        "istio-ingressgateway-service-account",
                                        "namespace",
                                        "istio-system",
                                        "clusterName",
                                        first))))),
                "destinationSelector",
                    List.of(
                        map(
                            "kubeServiceMatcher",
                            map(
                                "namespaces",
                                List.of(APP_NAMESPACE),
                                "labels",
                                map("service", "productpage")))))));
    resources.add(
        resource(
            networking,
            "AccessPolicy",
            "reviews-to-ratings",
            APP_NAMESPACE,
            map(
                "sourceSelector",
                    List.of(
                        map(
                            "kubeServiceAccountRefs",
                            map(
                                "serviceAccounts",
                                List.of(
                                    map(
                                        "name",
                                        "bookinfo-reviews",
                                        "namespace",
                                        APP_NAMESPACE,
                                        "clusterName",
                                        first))))),
                "destinationSelector",
                    List.of(
                        map(
                            "kubeServiceMatcher",
                            map(
                                "namespaces",
                                List.of(APP_NAMESPACE),
                                "labels",
                                map("service", "ratings")))),
                "allowedMethods", List.of("GET"),
                "allowedPorts", List.of(9080))));
    resources.add(
        resource(
            networking,
            "VirtualMesh",
            "virtual-mesh",
            namespace,
            map(
                "mtlsConfig",
                map(
                    "autoRestartPods",
                    true,
                    "shared",
                    map("rootCertificateAuthority", map("generated", map()))),
                "federation",
                map(),
                "globalAccessPolicy",
                "ENABLED",
                "meshes",
                meshRefs)));
    resources.add(
        resource(
            networking,
            "FailoverService",
            "reviews-failover",
            APP_NAMESPACE,
            map(
                "hostname",
                "reviews-failover." + APP_NAMESPACE + ".global",
                "port",
                map("number", 9080, "protocol", "http"),
                "meshes",
                meshRefs,
                "backingServices",
                List.of(
                    map(
                        "kubeService",
                        map("name", "reviews", "namespace", APP_NAMESPACE, "clusterName", first)),
                    map(
                        "kubeService",
                        map(
                            "name",
                            "reviews",
                            "namespace",
                            APP_NAMESPACE,
                            "clusterName",
                            second))))));
    resources.add(
        resource(
            SimulatedVersions.NETWORKING_ENTERPRISE_GROUP + "/v1alpha1",
            "WasmDeployment",
            "reviews-header-filter",
            APP_NAMESPACE,
            map(
                "filters",
                    List.of(
                        map(
                            "filterContext", "SIDECAR_INBOUND",
                            "staticFilterConfig",
                                map("localPathSource", "/etc/filters/add-header.wasm"),
                            "rootId", "add_header")),
                "workloadSelector",
                    List.of(
                        map(
                            "kubeWorkloadMatcher",
                            map(
                                "labels", map("app", "reviews"),
                                "namespaces", List.of(APP_NAMESPACE),
                                "clusters", List.copyOf(clusters)))))));

    String rbac = SimulatedVersions.RBAC_GROUP + "/v1alpha1";
    Map<String, Object> roleSpec =
        map(
            "trafficPolicyScopes", List.of(map("trafficPolicyActions", List.of("ALL"))),
            "virtualMeshScopes", List.of(map("virtualMeshActions", List.of("ALL"))),
            "accessPolicyScopes",
                List.of(map("identitySelectors", List.of(), "trafficTargetSelectors", List.of())),
            "failoverServiceScopes",
                List.of(map("meshRefs", List.of(), "backingServices", List.of())),
            "wasmDeploymentScopes", List.of(map("workloadSelectors", List.of())));
    if (SimulatedVersions.atLeast(version, 0, 12, 3)) {
      roleSpec.put("accessLogRecordScopes", List.of(map("workloadSelectors", List.of())));
    }
    resources.add(resource(rbac, "Role", "admin-role", namespace, roleSpec));
    resources.add(
        resource(
            rbac,
            "RoleBinding",
            "admin-role-binding",
            namespace,
            map(
                "roleRef", map("name", "admin-role", "namespace", namespace),
                "subjects", List.of(map("kind", "User", "name", "kubernetes-admin")))));
    return resources;
  }

  /** The spec of the {@code settings} object the chart of a version installs by default. */
  public static Map<String, Object> settingsSpec(String version) {
    Map<String, Object> istio =
        map(
            "ingressGatewayDetectors",
            map(
                "*",
                map(
                    "gatewayWorkloadLabels",
                    map("istio", "ingressgateway"),
                    "gatewayTlsPortName",
                    "tls")));
    Map<String, Object> spec =
        map(
            "mtls", map("istio", map("tlsMode", "ISTIO_MUTUAL")),
            "networkingExtensionServers", List.of());
    if (SimulatedVersions.atLeast(version, 0, 12, 0)) {
      spec.put("discovery", map("istio", istio));
      spec.put("relay", map("enabled", false));
    } else {
      spec.put("istio", istio);
    }
    return spec;
  }

  /**
   * The {@code settings} object as the chart of a version, installed as release {@code gloo-mesh},
   * writes it.
   */
  public static GenericKubernetesResource settings(String version, String namespace) {
    GenericKubernetesResource settings =
        resource(
            SimulatedVersions.SETTINGS_GROUP + "/v1alpha2",
            "Settings",
            "settings",
            namespace,
            settingsSpec(version));
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "gloo-mesh");
    labels.put("app.kubernetes.io/name", HelmChart.CHART_NAME);
    labels.put("app.kubernetes.io/instance", "gloo-mesh");
    labels.put("app.kubernetes.io/managed-by", "Helm");
    settings.getMetadata().setLabels(labels);
    return settings;
  }

  /** The KubernetesCluster registration writes for a cluster. */
  public static GenericKubernetesResource kubernetesCluster(String cluster, String namespace) {
    return resource(
        SimulatedVersions.MULTICLUSTER_GROUP + "/v1alpha1",
        "KubernetesCluster",
        cluster,
        namespace,
        map("secretName", cluster, "clusterDomain", "cluster.local"));
  }

  /** A TrafficPolicy of retries for the application namespace's services, as users write many. */
  static GenericKubernetesResource trafficPolicy(String apiVersion, String namespace, String name) {
    return resource(
        apiVersion,
        "TrafficPolicy",
        name,
        namespace,
        map(
            "destinationSelector",
            List.of(map("kubeServiceMatcher", map("namespaces", List.of(APP_NAMESPACE)))),
            "retries",
            map("attempts", 2, "perTryTimeout", "1s")));
  }

  static GenericKubernetesResource resource(
      String apiVersion, String kind, String name, String namespace, Map<String, Object> spec) {
    GenericKubernetesResource resource =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(apiVersion)
            .withKind(kind)
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .build();
    resource.setAdditionalProperty("spec", spec);
    return resource;
  }

  private static GenericKubernetesResource discovered(
      String apiVersion,
      String kind,
      String name,
      String namespace,
      String cluster,
      Map<String, Object> spec) {
    GenericKubernetesResource resource = resource(apiVersion, kind, name, namespace, spec);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(OWNER_LABEL, namespace);
    labels.put(CLUSTER_LABEL, cluster);
    resource.getMetadata().setLabels(labels);
    return resource;
  }
}
