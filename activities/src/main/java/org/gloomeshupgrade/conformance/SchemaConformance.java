package org.gloomeshupgrade.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks one resource against the {@code openAPIV3Schema} of the CRD version it is served at, the
 * way the API server will treat it: the fields the schema would prune, which the server drops
 * without a word (data loss), then every error a JSON-schema validator finds in what is left (type,
 * enum, required, pattern, minimum, maximum, oneOf...), which the server would refuse.
 *
 * <p>Only what the user writes is checked: not {@code apiVersion} and {@code kind} (checked against
 * the CRD before), not {@code metadata} (the server's), not {@code status} (the controllers', which
 * write it again).
 */
public final class SchemaConformance {
  private SchemaConformance() {}

  /**
   * @param resource the resource as read from the cluster
   * @param openApiV3Schema the schema of the version the resource is served at
   * @param crdPreservesUnknownFields the CRD's own {@code spec.preserveUnknownFields}: nothing is
   *     pruned
   */
  public static List<ConformanceProblem> check(
      JsonNode resource, JsonNode openApiV3Schema, boolean crdPreservesUnknownFields) {
    String kind = resource.path("kind").asText();
    String namespace = resource.path("metadata").path("namespace").asText("");
    String name = resource.path("metadata").path("name").asText();
    String apiVersion = resource.path("apiVersion").asText();
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    List<ConformanceProblem> problems = new ArrayList<>();

    ObjectNode served = userFields(resource);
    if (!crdPreservesUnknownFields) {
      for (String path : PrunedFields.removeFrom(served, openApiV3Schema)) {
        problems.add(
            new ConformanceProblem(
                kind,
                namespace,
                name,
                path,
                "field "
                    + JsonPaths.name(path)
                    + " would be lost: it is not in the "
                    + version
                    + " schema of "
                    + kind,
                "the API server would drop this field; move its setting to where the new schema has it (see the "
                    + "changelog), or remove it."));
      }
    }
    JsonNode schema = ValidationSchema.of(openApiV3Schema);
    JsonNode validated = NonNullableNulls.removed(served, openApiV3Schema);
    for (SchemaViolation v : CrdSchemaValidator.violations(validated, schema)) {
      problems.add(
          new ConformanceProblem(
              kind,
              namespace,
              name,
              v.path(),
              ViolationText.problem(v, version),
              ViolationText.hint(v)));
    }
    return problems;
  }

  private static ObjectNode userFields(JsonNode resource) {
    ObjectNode copy =
        resource instanceof ObjectNode object
            ? object.deepCopy()
            : JsonNodeFactory.instance.objectNode();
    copy.remove(PrunedFields.ROOT_FIELDS_NOT_CHECKED);
    return copy;
  }
}
