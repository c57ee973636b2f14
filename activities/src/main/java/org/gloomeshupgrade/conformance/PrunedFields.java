package org.gloomeshupgrade.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields the API server prunes when it stores or reads an object with a structural schema, as
 * paths like {@code $.spec.retries.retryOn}, {@code $.spec.filters[0].x} or {@code
 * $.spec.m['*'].y}. Status is left out: it belongs to the controllers, which write it again. This
 * is the server's own walk: a field no schema describes goes, unless its object preserves unknown
 * fields, which keeps only that object's own unknown fields and not those inside its described
 * ones; {@code additionalProperties: true} keeps the keys but prunes inside their values.
 */
final class PrunedFields {
  static final String PRESERVE_UNKNOWN = "x-kubernetes-preserve-unknown-fields";
  static final String EMBEDDED_RESOURCE = "x-kubernetes-embedded-resource";

  /** Never pruned at the root; status is the controllers' to write. */
  static final Set<String> ROOT_FIELDS_NOT_CHECKED =
      Set.of("apiVersion", "kind", "metadata", "status");

  private static final Set<String> EMBEDDED_RESOURCE_FIELDS =
      Set.of("apiVersion", "kind", "metadata");

  private PrunedFields() {}

  /**
   * Removes from {@code object} what the server would prune, leaving it as the server validates and
   * stores it, and returns the paths of what was removed.
   */
  static List<String> removeFrom(ObjectNode object, JsonNode rootSchema) {
    List<String> paths = new ArrayList<>();
    boolean keepUnknown = rootSchema.path(PRESERVE_UNKNOWN).asBoolean(false);
    List<String> pruned = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (!ROOT_FIELDS_NOT_CHECKED.contains(field.getKey())
          && pruneField(
              field.getKey(), field.getValue(), rootSchema, keepUnknown, JsonPaths.ROOT, paths)) {
        pruned.add(field.getKey());
      }
    }
    object.remove(pruned);
    return paths;
  }

  private static void prune(
      JsonNode value, JsonNode schema, boolean keepUnknown, String path, List<String> out) {
    boolean keep = keepUnknown || schema.path(PRESERVE_UNKNOWN).asBoolean(false);
    if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        // The items of an array that preserves unknown fields preserve their own too.
        prune(value.get(i), schema.path("items"), keep, JsonPaths.index(path, i), out);
      }
    } else if (value instanceof ObjectNode object) {
      boolean embedded = schema.path(EMBEDDED_RESOURCE).asBoolean(false);
      List<String> pruned = new ArrayList<>();
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (!(embedded && EMBEDDED_RESOURCE_FIELDS.contains(field.getKey()))
            && pruneField(field.getKey(), field.getValue(), schema, keep, path, out)) {
          pruned.add(field.getKey());
        }
      }
      object.remove(pruned);
    }
  }

  /** True when the field itself goes; its own pruned content is removed from it either way. */
  private static boolean pruneField(
      String key,
      JsonNode value,
      JsonNode parent,
      boolean keepUnknown,
      String path,
      List<String> out) {
    String child = JsonPaths.field(path, key);
    JsonNode known = parent.path("properties").get(key);
    JsonNode additional = parent.path("additionalProperties");
    if (known != null) {
      prune(value, known, false, child, out);
    } else if (additional.isObject()) {
      prune(value, additional, false, child, out);
    } else if (additional.asBoolean(false)) {
      prune(value, MissingNode.getInstance(), false, child, out);
    } else if (!keepUnknown) {
      out.add(child);
      return true;
    }
    return false;
  }
}
