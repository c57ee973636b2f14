package org.gloomeshupgrade.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import com.networknt.schema.path.NodePath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates an object against a CRD version's {@code openAPIV3Schema} with the networknt
 * JSON-schema validator, and turns its errors into {@link SchemaViolation}s with the report's
 * paths.
 *
 * <p>The dialect is the library's OpenAPI 3.0 one: a CRD schema is an OpenAPI v3.0 schema object,
 * that is draft 4 (draft wright-00) plus {@code nullable}, and draft 4 gives {@code
 * exclusiveMinimum} and {@code exclusiveMaximum} the boolean meaning Kubernetes gives them ({@link
 * ValidationSchema} has already turned {@code nullable} into the type it means to the server). Two
 * things differ from the dialect, so that nothing is reported that the API server would accept:
 * {@code format} only annotates, because Kubernetes checks formats of its own (a duration is Go's
 * "1h30m", not ISO 8601's "PT1H30M") and ignores int32, int64, double...; and a keyword the dialect
 * does not know, such as the {@code x-kubernetes-*} extensions, is an annotation, without the
 * library's warning for each. The price: a malformed value in a format Kubernetes does check
 * (date-time, uuid...) is not reported here.
 */
final class CrdSchemaValidator {
  private static final String DIALECT_ID = "urn:gloo-mesh-upgrade:kubernetes-crd-schema";
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDialect(
          Dialect.builder(DIALECT_ID, Dialects.getOpenApi30())
              .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
              .build(),
          builder ->
              builder.schemaRegistryConfig(
                  SchemaRegistryConfig.builder().formatAssertionsEnabled(false).build()));

  /**
   * A CRD set has a few dozen schemas; compiling one costs more than validating many objects with
   * it.
   */
  private static final int CACHED_SCHEMAS = 64;

  private static final Map<String, Schema> COMPILED =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Schema> eldest) {
          return size() > CACHED_SCHEMAS;
        }
      };

  /** Applicators whose branches may fail without the object failing. */
  private static final Set<String> ALTERNATIVES = Set.of("oneOf", "anyOf");

  /**
   * Keywords followed, in an evaluation path, by a name or an index, and whether that step enters
   * the instance.
   */
  private static final Map<String, Boolean> NAMED_STEPS =
      Map.of(
          "properties",
          true,
          "patternProperties",
          true,
          "allOf",
          false,
          "oneOf",
          false,
          "anyOf",
          false,
          "definitions",
          false,
          "dependencies",
          false);

  /** Keywords that enter the instance with no name after them in the evaluation path. */
  private static final Set<String> UNNAMED_DESCENTS =
      Set.of("items", "additionalProperties", "additionalItems");

  private CrdSchemaValidator() {}

  /** Pass {@code object} as the server validates it: pruned, and without the nulls it drops. */
  static List<SchemaViolation> violations(JsonNode object, JsonNode schema) {
    List<Error> errors = compiled(schema.toString()).validate(object.toString(), InputFormat.JSON);
    Map<Origin, List<Error>> byOrigin = new LinkedHashMap<>();
    for (Error error : errors) {
      byOrigin.computeIfAbsent(Origin.of(error), k -> new ArrayList<>()).add(error);
    }
    List<SchemaViolation> violations = new ArrayList<>();
    byOrigin.forEach((origin, group) -> violations.add(violation(origin, group, object, schema)));
    return violations;
  }

  private static Schema compiled(String schema) {
    synchronized (COMPILED) {
      return COMPILED.computeIfAbsent(schema, s -> REGISTRY.getSchema(s, InputFormat.JSON));
    }
  }

  /**
   * Where an error comes from. Errors raised inside a oneOf or anyOf branch belong to that oneOf or
   * anyOf, not to the object: with {@code oneOf: [{not: {anyOf: [{required: [a]}, {required:
   * [b]}]}}, {required: [a]}, {required: [b]}]}, the way a CRD writes a protobuf oneof, an object
   * setting both a and b gets the oneOf error and, from one branch, "required property b not
   * found". So such errors are grouped under the outermost oneOf or anyOf they come from, at the
   * instance that oneOf or anyOf applies to.
   *
   * @param schemaSteps for an alternative, how many steps of the evaluation path lead to the schema
   *     holding it
   * @param instanceSteps for an alternative, how many steps of the instance location lead to what
   *     it checks
   */
  private record Origin(String key, boolean alternative, int schemaSteps, int instanceSteps) {
    static Origin of(Error error) {
      NodePath evaluation = error.getEvaluationPath();
      NodePath instance = error.getInstanceLocation();
      StringBuilder key = new StringBuilder();
      int depth = 0;
      for (int i = 0; i < evaluation.getNameCount(); i++) {
        String step = evaluation.getName(i);
        if (ALTERNATIVES.contains(step)) {
          int steps = Math.min(depth, instance.getNameCount());
          return new Origin(key + "/" + step + " at " + path(instance, steps), true, i, steps);
        }
        key.append('/').append(step);
        if (NAMED_STEPS.containsKey(step) && i + 1 < evaluation.getNameCount()) {
          key.append('/').append(evaluation.getName(++i));
          depth += NAMED_STEPS.get(step) ? 1 : 0;
        } else if (UNNAMED_DESCENTS.contains(step)) {
          depth++;
        }
      }
      return new Origin(
          key + " at " + instance + " " + error.getProperty(), false, 0, instance.getNameCount());
    }
  }

  private static SchemaViolation violation(
      Origin origin, List<Error> group, JsonNode object, JsonNode schema) {
    Error first = group.get(0);
    NodePath instance = first.getInstanceLocation();
    if (!origin.alternative() || ALTERNATIVES.contains(first.getKeyword())) {
      // An error of its own, or a oneOf error followed
      // by its branches' errors, which it stands for.
      String path = path(instance, instance.getNameCount());
      if ("required".equals(first.getKeyword()) && first.getProperty() != null) {
        path = JsonPaths.field(path, first.getProperty());
      }
      NodePath evaluation = first.getEvaluationPath();
      return new SchemaViolation(
          path,
          first.getKeyword(),
          node(object, instance, instance.getNameCount()),
          node(schema, evaluation, evaluation.getNameCount() - 1),
          List.of(first.getMessage()));
    }
    // An anyOf none of whose branches fits: the library reports only the branches' errors.
    return new SchemaViolation(
        path(instance, origin.instanceSteps()),
        "anyOf",
        node(object, instance, origin.instanceSteps()),
        node(schema, first.getEvaluationPath(), origin.schemaSteps()),
        group.stream().map(Error::getMessage).distinct().toList());
  }

  /** The report's path for the first {@code count} elements of {@code location}. */
  private static String path(NodePath location, int count) {
    String path = JsonPaths.ROOT;
    for (int i = 0; i < count; i++) {
      Object element = location.getElement(i);
      path =
          element instanceof Integer index
              ? JsonPaths.index(path, index)
              : JsonPaths.field(path, (String) element);
    }
    return path;
  }

  /**
   * The node of {@code root} at the first {@code count} elements of {@code location}. Structural
   * schemas have no {@code $ref}, so an evaluation path is also where its keyword sits in the
   * schema.
   */
  private static JsonNode node(JsonNode root, NodePath location, int count) {
    JsonNode node = root;
    for (int i = 0; i < count; i++) {
      Object element = location.getElement(i);
      node = element instanceof Integer index ? node.path(index) : node.path((String) element);
    }
    return node;
  }
}
