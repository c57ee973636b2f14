package org.gloomeshupgrade.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * What a structural schema means to the API server, and so to the check, where plain JSON Schema
 * would say otherwise: each of these would be a false error, or a missed one, for a validator used
 * as it comes.
 */
class SchemaConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aNullableFieldMayBeNull() {
    JsonNode schema =
        schema(
            """
        {"flag": {"type": "boolean", "nullable": true},
         "cors": {"type": "object", "nullable": true, "properties": {"origin": {"type": "string"}}},
         "port": {"x-kubernetes-int-or-string": true, "nullable": true}}
        """);

    assertThat(
            check(
                """
        {"flag": null, "cors": null, "port": null}
        """,
                schema))
        .isEmpty();
  }

  @Test
  void aNullableEnumStillRefusesNullUnlessItListsIt() {
    JsonNode schema =
        schema(
            """
        {"mode": {"type": "string", "enum": ["A", "B"], "nullable": true},
         "other": {"type": "string", "enum": ["A", null], "nullable": true}}
        """);

    // What a kube-apiserver answers: nullable lets the
    // type be null, the enum is checked as written.
    assertThat(
            check(
                """
        {"mode": null, "other": null}
        """,
                schema))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("$.spec.mode");
              assertThat(p.problem()).isEqualTo("spec.mode is null, which is not one of A, B");
            });
  }

  @Test
  void aNullInAFieldThatIsNotNullableIsDroppedByTheServerNotRefused() {
    JsonNode schema =
        schema(
            """
        {"count": {"type": "integer"}, "nested": {"type": "object", "properties": {"name": {"type": "string"}}}}
        """);

    assertThat(
            check(
                """
        {"count": null, "nested": {"name": null}}
        """,
                schema))
        .isEmpty();
  }

  @Test
  void aRequiredFieldThatIsNullAndNotNullableIsMissingOnceTheServerDropsTheNull() {
    JsonNode schema =
        schema(
            """
        {"name": {"type": "string"}}
        """,
            "name");

    assertThat(
            check(
                """
        {"name": null}
        """,
                schema))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("$.spec.name");
              assertThat(p.problem()).isEqualTo("required field spec.name is missing");
            });
  }

  @Test
  void anIntOrStringFieldTakesEitherAndRefusesAnythingElse() {
    JsonNode schema =
        schema(
            """
        {"port": {"x-kubernetes-int-or-string": true},
         "maxSurge": {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": true}}
        """);

    assertThat(
            check(
                """
        {"port": 8080, "maxSurge": "25%"}
        """,
                schema))
        .isEmpty();
    assertThat(
            check(
                """
        {"port": "http", "maxSurge": 1}
        """,
                schema))
        .isEmpty();
    assertThat(
            check(
                """
        {"port": true, "maxSurge": false}
        """,
                schema))
        .extracting(ConformanceProblem::path, ConformanceProblem::problem)
        .containsExactlyInAnyOrder(
            Tuple.tuple(
                "$.spec.port",
                "spec.port is a boolean (true), but the v1 schema wants an integer or string"),
            Tuple.tuple(
                "$.spec.maxSurge",
                "spec.maxSurge is a boolean (false), which fits none of the forms the v1 schema allows (boolean found, "
                    + "integer expected; boolean found, string expected)"));
  }

  @Test
  void formatsOnlyAnnotate() {
    JsonNode schema =
        schema(
            """
        {"a": {"type": "integer", "format": "int32"}, "b": {"type": "integer", "format": "int64"},
         "c": {"type": "string", "format": "byte"}, "d": {"type": "string", "format": "date-time"},
         "e": {"type": "number", "format": "double"}, "f": {"type": "string", "format": "something-new"},
         "g": {"type": "string", "format": "duration"}}
        """);

    // Kubernetes ignores int32 and int64, and reads duration as Go does ("1h30m"), not as ISO 8601.
    assertThat(
            check(
                """
        {"a": 99999999999, "b": 1, "c": "not base64!", "d": "2021-03-04T05:06:07Z", "e": 1.5, "f": "x",
         "g": "1h30m"}
        """,
                schema))
        .isEmpty();
  }

  @Test
  void kubernetesExtensionsAndUnknownKeywordsAreIgnored() {
    JsonNode schema =
        schema(
            """
        {"config": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
         "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                   "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
         "labels": {"type": "object", "x-kubernetes-map-type": "granular",
                    "additionalProperties": {"type": "string"}},
         "rule": {"type": "string", "x-kubernetes-validations": [{"rule": "self.size() < 3"}],
                  "x-some-future-extension": {"type": "integer"}}}
        """);

    assertThat(
            check(
                """
        {"config": {"anything": [1, "two"]}, "ports": [{"name": "http"}], "labels": {"app": "x"},
         "rule": "longer than three"}
        """,
                schema))
        .isEmpty();
  }

  @Test
  void anEmbeddedResourceKeepsItsApiVersionKindAndMetadata() {
    JsonNode schema =
        schema(
            """
        {"template": {"type": "object", "x-kubernetes-embedded-resource": true,
                      "properties": {"spec": {"type": "object", "properties": {"replicas": {"type": "integer"}}}}}}
        """);

    assertThat(
            check(
                """
        {"template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": "b"}},
                      "spec": {"replicas": 2}}}
        """,
                schema))
        .isEmpty();
  }

  @Test
  void anEmbeddedResourceMustSayWhatItIs() {
    JsonNode schema =
        schema(
            """
        {"template": {"type": "object", "x-kubernetes-embedded-resource": true,
                      "x-kubernetes-preserve-unknown-fields": true}}
        """);

    assertThat(
            check(
                """
        {"template": {"apiVersion": "v1", "spec": {}}}
        """,
                schema))
        .extracting(ConformanceProblem::path)
        .containsExactly("$.spec.template.kind");
  }

  @Test
  void metadataStatusApiVersionAndKindAreNotCheckedEvenWhereTheSchemaDescribesThem() {
    JsonNode schema =
        read(
            """
        {"type": "object", "required": ["metadata", "status", "spec"],
         "properties": {
           "apiVersion": {"type": "integer"}, "kind": {"type": "string", "enum": ["Other"]},
           "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 2}}},
           "spec": {"type": "object"},
           "status": {"type": "object", "required": ["state"],
                      "properties": {"state": {"type": "string", "enum": ["ACCEPTED"]}}}}}
        """);
    ObjectNode resource = resource("{}");
    resource.putObject("status").put("state", "PENDING").put("extra", 1);

    assertThat(SchemaConformance.check(resource, schema, false)).isEmpty();
  }

  @Test
  void aMissingSpecIsReportedWhenTheRootRequiresIt() {
    JsonNode schema =
        read(
            """
        {"type": "object", "required": ["spec"], "properties": {"spec": {"type": "object"}}}
        """);
    ObjectNode resource = resource("{}");
    resource.remove("spec");

    assertThat(SchemaConformance.check(resource, schema, false))
        .extracting(ConformanceProblem::path)
        .containsExactly("$.spec");
  }

  @Test
  void exclusiveBoundsHaveTheirOpenApiThreeZeroMeaning() {
    JsonNode schema =
        schema(
            """
        {"ratio": {"type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": true}}
        """);

    assertThat(
            check(
                """
        {"ratio": 0.5}
        """,
                schema))
        .isEmpty();
    assertThat(
            check(
                """
        {"ratio": 1}
        """,
                schema))
        .singleElement()
        .satisfies(
            p -> assertThat(p.problem()).isEqualTo("spec.ratio is 1, but must be less than 1"));
  }

  @Test
  void aOneOfNoBranchOfWhichFitsIsOneProblemWithoutItsBranchesErrors() {
    JsonNode schema =
        schema(
            """
        {"source": {"type": "object", "oneOf": [{"required": ["http"]}, {"required": ["file"]}],
                    "properties": {"http": {"type": "string"}, "file": {"type": "string"}}}}
        """);

    assertThat(
            check(
                """
        {"source": {}}
        """,
                schema))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("$.spec.source");
              assertThat(p.problem()).contains("one and only one", "0 are valid");
            });
  }

  @Test
  void theSameOneOfFailingInTwoArrayItemsIsAProblemForEach() {
    JsonNode schema =
        schema(
            """
        {"filters": {"type": "array", "items": {"type": "object",
          "allOf": [{"oneOf": [{"not": {"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}},
                               {"required": ["a"]}, {"required": ["b"]}]}],
          "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}}}
        """);

    assertThat(
            check(
                """
        {"filters": [{"a": "1", "b": "2"}, {"a": "1"}, {"a": "1", "b": "2"}]}
        """,
                schema))
        .extracting(ConformanceProblem::path)
        .containsExactly("$.spec.filters[0]", "$.spec.filters[2]");
  }

  @Test
  void prunedFieldsAreReportedAsLostAndNotValidated() {
    JsonNode schema =
        schema(
            """
        {"empty": {"type": "object", "maxProperties": 0},
         "known": {"type": "object", "properties": {"n": {"type": "integer"}}}}
        """);

    // The server prunes before it validates: "empty" is
    // {} by then, and "known.old" is gone, not a string.
    assertThat(
            check(
                """
        {"empty": {"x": 1}, "known": {"n": 1, "old": "gone"}, "removed": {"deep": true}}
        """,
                schema))
        .extracting(ConformanceProblem::path, ConformanceProblem::problem)
        .containsExactly(
            Tuple.tuple(
                "$.spec.empty.x",
                "field spec.empty.x would be lost: it is not in the v1 schema of Example"),
            Tuple.tuple(
                "$.spec.known.old",
                "field spec.known.old would be lost: it is not in the v1 schema of Example"),
            Tuple.tuple(
                "$.spec.removed",
                "field spec.removed would be lost: it is not in the v1 schema of Example"));
  }

  @Test
  void aCrdThatPreservesUnknownFieldsPrunesNothingButIsStillValidated() {
    JsonNode schema =
        schema(
            """
        {"n": {"type": "integer"}}
        """);

    List<ConformanceProblem> problems =
        SchemaConformance.check(
            resource(
                """
        {"n": "x", "unknown": true}
        """),
            schema,
            true);

    assertThat(problems).extracting(ConformanceProblem::path).containsExactly("$.spec.n");
  }

  @Test
  void keysThatAreNotIdentifiersArePathedInBrackets() {
    JsonNode schema =
        schema(
            """
        {"labels": {"type": "object", "additionalProperties": {"type": "string"}}}
        """);

    assertThat(
            check(
                """
        {"labels": {"app.kubernetes.io/name": 3, "it's": "ok"}}
        """,
                schema))
        .extracting(ConformanceProblem::path)
        .containsExactly("$.spec.labels['app.kubernetes.io/name']");
  }

  /** A root schema whose spec has these properties, as a CRD writes it. */
  private static JsonNode schema(String specProperties, String... required) {
    ObjectNode root =
        read(
            """
        {"type": "object", "properties": {"spec": {"type": "object"}, "status": {"type": "object",
         "x-kubernetes-preserve-unknown-fields": true}}}
        """);
    ObjectNode spec = (ObjectNode) root.at("/properties/spec");
    spec.set("properties", read(specProperties));
    if (required.length > 0) {
      spec.putArray("required")
          .addAll(
              Arrays.stream(required).map(JSON::valueToTree).map(JsonNode.class::cast).toList());
    }
    return root;
  }

  private static List<ConformanceProblem> check(String spec, JsonNode schema) {
    return SchemaConformance.check(resource(spec), schema, false);
  }

  private static ObjectNode resource(String spec) {
    ObjectNode r = JSON.createObjectNode();
    r.put("apiVersion", "example.gloo-mesh-upgrade.io/v1").put("kind", "Example");
    r.putObject("metadata").put("name", "example").put("namespace", "default");
    r.set("spec", read(spec));
    return r;
  }

  private static ObjectNode read(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }
}
