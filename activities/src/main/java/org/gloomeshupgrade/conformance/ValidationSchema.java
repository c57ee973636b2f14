package org.gloomeshupgrade.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * A CRD's {@code openAPIV3Schema} rewritten so that a JSON-schema validator checks what the API
 * server checks:
 *
 * <ul>
 *   <li>the root's {@code apiVersion}, {@code kind}, {@code metadata} and {@code status} are left
 *       out, as they are left out of the object checked (a schema requiring one of them would
 *       otherwise find it missing);
 *   <li>{@code x-kubernetes-int-or-string: true} becomes {@code type: [integer, string]}, which is
 *       what the API server turns it into before validating, unless an {@code anyOf} already says
 *       so;
 *   <li>{@code nullable: true} becomes null added to the field's type, which is all it means to the
 *       API server: an enum still refuses null unless it lists it (the validator's own nullable
 *       would let it pass);
 *   <li>{@code x-kubernetes-embedded-resource: true} requires {@code apiVersion} and {@code kind},
 *       as the API server does of an embedded object.
 * </ul>
 */
final class ValidationSchema {
  static final String INT_OR_STRING = "x-kubernetes-int-or-string";
  static final String NULLABLE = "nullable";
  private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf");

  private ValidationSchema() {}

  static JsonNode of(JsonNode openApiV3Schema) {
    if (!(openApiV3Schema instanceof ObjectNode schema)) {
      return openApiV3Schema;
    }
    ObjectNode copy = schema.deepCopy();
    if (copy.get("properties") instanceof ObjectNode properties) {
      properties.remove(PrunedFields.ROOT_FIELDS_NOT_CHECKED);
    }
    if (copy.get("required") instanceof ArrayNode required) {
      ArrayNode kept = copy.arrayNode();
      required.forEach(
          r -> {
            if (!PrunedFields.ROOT_FIELDS_NOT_CHECKED.contains(r.asText())) {
              kept.add(r);
            }
          });
      if (kept.isEmpty()) {
        copy.remove("required");
      } else {
        copy.set("required", kept);
      }
    }
    asTheServerReadsIt(copy);
    return copy;
  }

  private static void asTheServerReadsIt(ObjectNode schema) {
    // With an anyOf (or allOf) of integer and string, the
    // form structural schemas allow, that already says it.
    if (schema.path(INT_OR_STRING).asBoolean(false)
        && !schema.has("anyOf")
        && !schema.has("allOf")) {
      schema.putArray("type").add("integer").add("string");
    }
    JsonNode type = schema.get("type");
    if (schema.path(NULLABLE).asBoolean(false) && type != null) {
      ArrayNode types =
          type.isArray() ? (ArrayNode) type : schema.putArray("type").add(type.asText());
      types.add("null");
    }
    schema.remove(NULLABLE);
    if (schema.path(PrunedFields.EMBEDDED_RESOURCE).asBoolean(false)) {
      ArrayNode required =
          schema.get("required") instanceof ArrayNode r ? r : schema.putArray("required");
      for (String field : List.of("apiVersion", "kind")) {
        if (required.valueStream().noneMatch(r -> field.equals(r.asText()))) {
          required.add(field);
        }
      }
    }
    for (String single : List.of("items", "additionalProperties", "not")) {
      if (schema.get(single) instanceof ObjectNode child) {
        asTheServerReadsIt(child);
      }
    }
    if (schema.get("properties") instanceof ObjectNode properties) {
      properties.forEach(
          child -> {
            if (child instanceof ObjectNode o) {
              asTheServerReadsIt(o);
            }
          });
    }
    for (String list : SCHEMA_LISTS) {
      schema
          .path(list)
          .forEach(
              child -> {
                if (child instanceof ObjectNode o) {
                  asTheServerReadsIt(o);
                }
              });
    }
  }
}
