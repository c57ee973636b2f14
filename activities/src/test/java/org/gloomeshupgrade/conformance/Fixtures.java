package org.gloomeshupgrade.conformance;

import static org.gloomeshupgrade.mesh.GlooMeshGroups.NETWORKING;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.NETWORKING_ENTERPRISE;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.SETTINGS;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.kube.MeshFixtures;

/**
 * User configuration written for Gloo Mesh 0.11 (or by hand, with mistakes) that the published
 * 0.12.8 schemas only partly describe: what each object loses, and what it keeps, once the server
 * prunes it.
 */
final class Fixtures {
  static final String SETTINGS_NAME = "settings-011";

  private Fixtures() {}

  static void create(KubernetesClient client, String ns) {
    create(
        client,
        SETTINGS,
        "v1alpha2",
        "Settings",
        ns,
        SETTINGS_NAME,
        Map.of(
            "mtls", Map.of("istio", Map.of("tlsMode", "ISTIO_MUTUAL")),
            // Where 0.11 had it; 0.12 moved it under discovery.
            "istio",
                Map.of(
                    "ingressGatewayDetectors",
                    Map.of(
                        "*", Map.of("gatewayWorkloadLabels", Map.of("istio", "ingressgateway")))),
            "discovery",
                Map.of(
                    "istio",
                    Map.of(
                        "ingressGatewayDetectors",
                        Map.of(
                            "*",
                            Map.of(
                                "gatewayWorkloadLabels",
                                Map.of("istio", "ingressgateway"),
                                "gatewayTlsPortNumber",
                                15443))))));
    create(
        client,
        NETWORKING,
        "v1alpha2",
        "TrafficPolicy",
        ns,
        "reviews-retries",
        Map.of(
            "destinationSelector",
                List.of(
                    Map.of(
                        "kubeServiceRefs",
                        Map.of(
                            "services",
                            List.of(
                                Map.of(
                                    "name",
                                    "reviews",
                                    "namespace",
                                    "bookinfo",
                                    "clusterName",
                                    "cluster-1",
                                    "port",
                                    9080))))),
            "requestTimeout", "10s",
            // retryOn is Istio's, not Gloo Mesh's.
            "retries", Map.of("attempts", 3, "perTryTimeout", "2s", "retryOn", "5xx")));
    create(
        client,
        NETWORKING_ENTERPRISE,
        "v1alpha1",
        "WasmDeployment",
        ns,
        "add-header",
        Map.of(
            "filters",
            List.of(
                Map.of(
                    "filterContext",
                    "SIDECAR_INBOUND",
                    "rootId",
                    "add_header",
                    "httpUriSource",
                    Map.of(
                        "uri",
                        "https://example.com/add-header.wasm",
                        "sha",
                        "0a1b",
                        "timeout",
                        "5s"),
                    // A protobuf Struct: the schema keeps whatever is inside.
                    "staticFilterConfig",
                    Map.of(
                        "@type",
                        "type.googleapis.com/google.protobuf.StringValue",
                        "value",
                        Map.of("header", Map.of("name", "x-gm", "values", List.of("a", "b"))))))));
  }

  /** The fields the server must drop: a top-level one, nested ones, in a map and in arrays. */
  static List<String> dropped(String ns) {
    return List.of(
        "Settings " + ns + "/settings-011 $.spec.istio",
        "Settings "
            + ns
            + "/settings-011 $.spec.discovery.istio.ingressGatewayDetectors['*'].gatewayTlsPortNumber",
        "TrafficPolicy " + ns + "/reviews-retries $.spec.retries.retryOn",
        "TrafficPolicy "
            + ns
            + "/reviews-retries $.spec.destinationSelector[0].kubeServiceRefs.services[0].port",
        "WasmDeployment " + ns + "/add-header $.spec.filters[0].httpUriSource.timeout");
  }

  /** Fields the server must keep: in the schema, or under x-kubernetes-preserve-unknown-fields. */
  static List<String> kept(String ns) {
    return List.of(
        "Settings " + ns + "/settings-011 $.spec.mtls.istio.tlsMode",
        "Settings "
            + ns
            + "/settings-011 $.spec.discovery.istio.ingressGatewayDetectors['*'].gatewayWorkloadLabels",
        "TrafficPolicy " + ns + "/reviews-retries $.spec.retries.attempts",
        "TrafficPolicy "
            + ns
            + "/reviews-retries $.spec.destinationSelector[0].kubeServiceRefs.services[0].name",
        "WasmDeployment " + ns + "/add-header $.spec.filters[0].staticFilterConfig['@type']",
        "WasmDeployment "
            + ns
            + "/add-header $.spec.filters[0].staticFilterConfig.value.header.name");
  }

  private static void create(
      KubernetesClient client,
      String group,
      String version,
      String kind,
      String ns,
      String name,
      Map<String, Object> spec) {
    GenericKubernetesResource r =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(group + "/" + version)
            .withKind(kind)
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata()
            .build();
    r.setAdditionalProperty("spec", spec);
    client
        .genericKubernetesResources(MeshFixtures.context(group, version, kind))
        .inNamespace(ns)
        .resource(r)
        .create();
  }
}
