package org.gloomeshupgrade.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the API server did to an object, from its JSON before and after: the fields it removed, and
 * anything it added or changed (which pruning never does). Paths are written as the conformance
 * check writes them, and metadata and status, which the server and the controllers own, are left
 * out.
 */
record RemovedFields(List<String> removed, List<String> addedOrChanged) {
  private static final Set<String> NOT_COMPARED = Set.of("metadata", "status");

  static RemovedFields between(JsonNode before, JsonNode after) {
    RemovedFields diff = new RemovedFields(new ArrayList<>(), new ArrayList<>());
    for (Iterator<Map.Entry<String, JsonNode>> it = before.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!NOT_COMPARED.contains(field.getKey())) {
        diff.compare(field.getValue(), after.get(field.getKey()), "$" + segment(field.getKey()));
      }
    }
    after
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!NOT_COMPARED.contains(name) && !before.has(name)) {
                diff.addedOrChanged.add("$" + segment(name));
              }
            });
    return diff;
  }

  private void compare(JsonNode before, JsonNode after, String path) {
    if (after == null) {
      removed.add(path);
    } else if (before.isObject() && after.isObject()) {
      before
          .fields()
          .forEachRemaining(
              f -> compare(f.getValue(), after.get(f.getKey()), path + segment(f.getKey())));
      after
          .fieldNames()
          .forEachRemaining(
              name -> {
                if (!before.has(name)) {
                  addedOrChanged.add(path + segment(name));
                }
              });
    } else if (before.isArray() && after.isArray() && before.size() == after.size()) {
      for (int i = 0; i < before.size(); i++) {
        compare(before.get(i), after.get(i), path + "[" + i + "]");
      }
    } else if (!before.equals(after)) {
      addedOrChanged.add(path);
    }
  }

  private static String segment(String key) {
    return key.matches("[A-Za-z_][A-Za-z0-9_]*")
        ? "." + key
        : "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
  }
}
