package org.gloomeshupgrade.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * {@link SchemaConformance} against the real published Gloo Mesh CRDs of every version present,
 * converted as the CRD step converts them. What the published schemas hold decides what can be
 * shown on them: enums, integer bounds, protobuf oneofs (oneOf of required), nullable,
 * maxProperties and preserve-unknown-fields, but no required list outside a oneOf and no pattern;
 * those two are shown on a real schema with one rule added.
 */
class SchemaConformanceOnPublishedCrdsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String[] VERSIONS = PublishedSchemas.VERSIONS;

  private static final String TRAFFIC_POLICY =
      """
      {"sourceSelector": [{"namespaces": ["bookinfo"], "labels": {"app": "productpage"}}],
       "destinationSelector": [{"kubeServiceRefs": {"services": [
         {"name": "reviews", "namespace": "bookinfo", "clusterName": "cluster-1"}]}}],
       "httpRequestMatchers": [{"prefix": "/reviews", "method": {"method": "GET"},
                                "headers": [{"name": "x-canary", "value": "true", "regex": false}]}],
       "requestTimeout": "10s",
       "retries": {"attempts": 3, "perTryTimeout": "2s"},
       "trafficShift": {"destinations": [{"kubeService": {"name": "reviews", "namespace": "bookinfo",
                                          "clusterName": "cluster-1", "subset": {"version": "v2"}}, "weight": 50}]},
       "faultInjection": {"fixedDelay": "1s", "percentage": 10.5},
       "corsPolicy": {"allowOrigins": [{"exact": "https://example.com"}], "maxAge": "1h"},
       "mtls": {"istio": {"tlsMode": "ISTIO_MUTUAL"}},
       "outlierDetection": {"consecutiveErrors": 5, "interval": "10s"}}
      """;
  private static final String SETTINGS =
      """
      {"mtls": {"istio": {"tlsMode": "ISTIO_MUTUAL"}},
       "networkingExtensionServers": [{"address": "extensions.gloo-mesh:9000", "insecure": true}]}
      """;
  private static final String VIRTUAL_MESH =
      """
      {"meshes": [{"name": "istiod-istio-system-cluster-1", "namespace": "gloo-mesh"}],
       "mtlsConfig": {"autoRestartPods": true, "shared": {"rootCertificateAuthority": {"generated": {}}}},
       "federation": {"permissive": {}},
       "globalAccessPolicy": "DISABLED"}
      """;

  /** Where 0.11 had its Istio discovery settings; 0.12.0 moved them under spec.discovery. */
  private static final String SETTINGS_011 =
      """
      {"mtls": {"istio": {"tlsMode": "ISTIO_MUTUAL"}},
       "istio": {"ingressGatewayDetectors": {"*": {"gatewayWorkloadLabels": {"istio": "ingressgateway"}}}}}
      """;

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void conformingTrafficPolicySettingsAndVirtualMeshHaveNoProblem(String version) {
    PublishedSchemas crds = published(version);

    assertThat(check(crds, "TrafficPolicy", TRAFFIC_POLICY)).isEmpty();
    assertThat(check(crds, "Settings", SETTINGS)).isEmpty();
    assertThat(check(crds, "VirtualMesh", VIRTUAL_MESH)).isEmpty();
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void everyUserConfigurationKindWithAnEmptySpecHasNoProblem(String version) {
    PublishedSchemas crds = published(version);

    // oneOf, not, anyOf and allOf of every kind evaluated on the smallest object: nothing may fire.
    assertThat(crds.crds().keySet())
        .contains(
            "TrafficPolicy",
            "AccessPolicy",
            "VirtualMesh",
            "Settings",
            "WasmDeployment",
            "Role",
            "RoleBinding");
    for (String kind : crds.crds().keySet()) {
      assertThat(check(crds, kind, "{}")).as(kind).isEmpty();
    }
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void aWrongEnumValueIsReportedAtItsPathWithTheAllowedValues(String version) {
    PublishedSchemas crds = published(version);

    ConformanceProblem method =
        single(
            check(
                crds,
                "TrafficPolicy",
                with(TRAFFIC_POLICY, "/httpRequestMatchers/0/method", "method", "\"FETCH\"")));
    ConformanceProblem tlsMode =
        single(check(crds, "Settings", with(SETTINGS, "/mtls/istio", "tlsMode", "\"STRICT\"")));
    ConformanceProblem policy =
        single(check(crds, "VirtualMesh", with(VIRTUAL_MESH, "", "globalAccessPolicy", "\"ON\"")));

    assertThat(method.path()).isEqualTo("$.spec.httpRequestMatchers[0].method.method");
    assertThat(method.problem()).contains("\"FETCH\"", "not one of", "GET, POST, PUT");
    assertThat(method.hint()).contains("Use one of GET, POST");
    assertThat(tlsMode.path()).isEqualTo("$.spec.mtls.istio.tlsMode");
    assertThat(tlsMode.problem()).contains("DISABLE, SIMPLE, ISTIO_MUTUAL");
    assertThat(policy.path()).isEqualTo("$.spec.globalAccessPolicy");
    assertThat(policy.kind()).isEqualTo("VirtualMesh");
    assertThat(policy.namespace()).isEqualTo("bookinfo");
    assertThat(policy.name()).isEqualTo("under-test");
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void aWrongTypeIsReportedAtItsPath(String version) {
    PublishedSchemas crds = published(version);

    ConformanceProblem attempts =
        single(
            check(
                crds, "TrafficPolicy", with(TRAFFIC_POLICY, "/retries", "attempts", "\"three\"")));
    ConformanceProblem weight =
        single(
            check(
                crds,
                "TrafficPolicy",
                with(TRAFFIC_POLICY, "/trafficShift/destinations/0", "weight", "\"half\"")));

    assertThat(attempts.path()).isEqualTo("$.spec.retries.attempts");
    assertThat(attempts.problem()).contains("a string (\"three\")", "wants an integer");
    assertThat(attempts.hint()).contains("refuses", "Write spec.retries.attempts as an integer");
    assertThat(weight.path()).isEqualTo("$.spec.trafficShift.destinations[0].weight");
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void aValueBelowTheMinimumIsReportedAtItsPath(String version) {
    PublishedSchemas crds = published(version);

    ConformanceProblem weight =
        single(
            check(
                crds,
                "TrafficPolicy",
                with(TRAFFIC_POLICY, "/trafficShift/destinations/0", "weight", "-1")));

    assertThat(weight.path()).isEqualTo("$.spec.trafficShift.destinations[0].weight");
    assertThat(weight.problem())
        .isEqualTo("spec.trafficShift.destinations[0].weight is -1, but must be at least 0");
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void twoMembersOfAProtobufOneofAreOneProblemNamingBoth(String version) {
    PublishedSchemas crds = published(version);

    List<ConformanceProblem> problems =
        check(
            crds,
            "TrafficPolicy",
            with(TRAFFIC_POLICY, "/httpRequestMatchers/0", "exact", "\"/reviews/1\""));

    // The oneOf's branches fail too ("required property
    // regex not found"): they must not be reported.
    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("$.spec.httpRequestMatchers[0]");
              assertThat(p.problem()).contains("prefix", "exact", "only one");
              assertThat(p.hint()).contains("Keep only one of");
            });
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void aMissingRequiredFieldIsReportedAtItsOwnPath(String version) {
    PublishedSchemas crds = published(version);
    // No published CRD requires a field outside a oneOf: the
    // real TrafficPolicy schema, with one required list.
    ObjectNode schema = (ObjectNode) crds.schema("TrafficPolicy").deepCopy();
    ((ObjectNode) schema.at("/properties/spec")).putArray("required").add("destinationSelector");
    ObjectNode resource = resource(crds, "TrafficPolicy", TRAFFIC_POLICY);
    ((ObjectNode) resource.get("spec")).remove("destinationSelector");

    assertThat(SchemaConformance.check(resource, schema, false))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("$.spec.destinationSelector");
              assertThat(p.problem())
                  .isEqualTo("required field spec.destinationSelector is missing");
              assertThat(p.hint()).contains("Set spec.destinationSelector");
            });
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void aValueNotMatchingAPatternIsReportedAtItsPath(String version) {
    PublishedSchemas crds = published(version);
    // No published CRD has a pattern: the real TrafficPolicy
    // schema, with one added to a duration field.
    ObjectNode schema = (ObjectNode) crds.schema("TrafficPolicy").deepCopy();
    ((ObjectNode) schema.at("/properties/spec/properties/requestTimeout"))
        .put("pattern", "^[0-9]+(ms|s|m|h)$");

    List<ConformanceProblem> problems =
        SchemaConformance.check(
            resource(
                crds,
                "TrafficPolicy",
                with(TRAFFIC_POLICY, "", "requestTimeout", "\"ten seconds\"")),
            schema,
            false);

    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("$.spec.requestTimeout");
              assertThat(p.problem()).contains("\"ten seconds\"", "^[0-9]+(ms|s|m|h)$");
            });
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void nullsCauseNoFalseErrorWhetherTheFieldIsNullableOrNot(String version) {
    PublishedSchemas crds = published(version);

    // corsPolicy.allowCredentials is nullable: true;
    // retries.attempts is not, and the server drops its null.
    String nulls =
        with(
            with(TRAFFIC_POLICY, "/corsPolicy", "allowCredentials", "null"),
            "/retries",
            "attempts",
            "null");

    assertThat(check(crds, "TrafficPolicy", nulls)).isEmpty();
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void statusIsNotCheckedAgainstTheSchema(String version) {
    PublishedSchemas crds = published(version);
    ObjectNode resource = resource(crds, "TrafficPolicy", TRAFFIC_POLICY);
    resource
        .putObject("status")
        .put("state", "SOMETHING_NEW")
        .put("observedGeneration", "not a number")
        .put("addedByANewerController", true);

    assertThat(SchemaConformance.check(resource, crds.schema("TrafficPolicy"), false)).isEmpty();
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void aFieldInsideAnEmptyMessageIsPrunedNotAMaxPropertiesError(String version) {
    PublishedSchemas crds = published(version);

    // federation.permissive is {type: object, maxProperties:
    // 0}: the server prunes x, then validates {}.
    List<ConformanceProblem> problems =
        check(crds, "VirtualMesh", with(VIRTUAL_MESH, "/federation/permissive", "x", "1"));

    assertThat(problems)
        .extracting(ConformanceProblem::path)
        .containsExactly("$.spec.federation.permissive.x");
    assertThat(problems.get(0).hint()).contains("the API server would drop this field");
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void settingsIstioOf011IsKeptUpTo011AndWouldBeLostFrom012(String version) {
    PublishedSchemas crds = published(version);

    List<ConformanceProblem> problems = check(crds, "Settings", SETTINGS_011);

    if (version.startsWith("0.12.")) {
      assertThat(problems)
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.path()).isEqualTo("$.spec.istio");
                assertThat(p.problem())
                    .isEqualTo(
                        "field spec.istio would be lost: it is not in the v1alpha2 schema of "
                            + "Settings");
                assertThat(p.hint()).contains("the API server would drop this field");
              });
    } else {
      assertThat(problems).isEmpty();
    }
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void aVirtualMeshUsing012FederationFieldsLosesThemOnOlderSchemas(String version) {
    PublishedSchemas crds = published(version);

    List<ConformanceProblem> problems =
        check(crds, "VirtualMesh", with(VIRTUAL_MESH, "/federation", "flatNetwork", "true"));

    if (version.startsWith("0.12.")) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems)
          .extracting(ConformanceProblem::path)
          .containsExactly("$.spec.federation.flatNetwork");
    }
  }

  private static PublishedSchemas published(String version) {
    PublishedSchemas crds = PublishedSchemas.of(version);
    assumeTrue(
        crds != null,
        "the published CRDs of "
            + version
            + " (shared/gloo-mesh-crds/"
            + version
            + "/management) are not on this machine");
    return crds;
  }

  private static List<ConformanceProblem> check(PublishedSchemas crds, String kind, String spec) {
    return SchemaConformance.check(
        resource(crds, kind, spec), crds.schema(kind), crds.preservesUnknownFields(kind));
  }

  private static ObjectNode resource(PublishedSchemas crds, String kind, String spec) {
    ObjectNode r = JSON.createObjectNode();
    r.put("apiVersion", crds.apiVersion(kind)).put("kind", kind);
    r.putObject("metadata")
        .put("name", "under-test")
        .put("namespace", "bookinfo")
        .put("generation", 2);
    r.set("spec", read(spec));
    return r;
  }

  /** The spec with one field set, in the object at {@code pointer} ("" for the spec itself). */
  private static String with(String spec, String pointer, String field, String json) {
    JsonNode tree = read(spec);
    JsonNode at = pointer.isEmpty() ? tree : tree.at(pointer);
    ((ObjectNode) at).set(field, read(json));
    return tree.toString();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static ConformanceProblem single(List<ConformanceProblem> problems) {
    assertThat(problems).hasSize(1);
    return problems.get(0);
  }
}
