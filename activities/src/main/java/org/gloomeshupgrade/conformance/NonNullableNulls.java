package org.gloomeshupgrade.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Before it validates, the API server removes every null whose schema is not {@code nullable: true}
 * (defaulting it where the schema has a default, whose value the server checked when the CRD was
 * written). Such a null is neither refused nor lost data, so the object is validated as the server
 * sees it: without them.
 */
final class NonNullableNulls {
  private NonNullableNulls() {}

  /** A copy of {@code object} without the nulls the server would drop. */
  static JsonNode removed(JsonNode object, JsonNode schema) {
    JsonNode copy = object.deepCopy();
    remove(copy, schema);
    return copy;
  }

  private static void remove(JsonNode value, JsonNode schema) {
    if (value instanceof ObjectNode object) {
      List<String> dropped = new ArrayList<>();
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        JsonNode fieldSchema = fieldSchema(schema, field.getKey());
        if (fieldSchema == null) {
          // No schema: the field is pruned (or kept unvalidated), never checked.
          continue;
        }
        if (field.getValue().isNull() && !fieldSchema.path("nullable").asBoolean(false)) {
          dropped.add(field.getKey());
        } else {
          remove(field.getValue(), fieldSchema);
        }
      }
      object.remove(dropped);
    } else if (value.isArray()) {
      // Nulls in arrays are kept and validated, as the server does.
      value.forEach(item -> remove(item, schema.path("items")));
    }
  }

  private static JsonNode fieldSchema(JsonNode schema, String key) {
    JsonNode known = schema.path("properties").get(key);
    if (known != null) {
      return known;
    }
    JsonNode additional = schema.path("additionalProperties");
    return additional.isObject() ? additional : null;
  }
}
