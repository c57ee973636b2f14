package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to write over a chart-owned object so that a person's edits survive an upgrade: the chart's
 * change from what was applied before ({@code base}) to what it renders now ({@code desired}),
 * applied to the live object. A field the chart leaves alone keeps its live value; a field the
 * chart changes takes the chart's value where nobody changed it, and is a {@link Conflict} where
 * someone did (live differs from base) to another value.
 *
 * <p>Live fields that base does not have (server defaults, fields set by hand, what controllers
 * own) are kept. Lists whose items all have a {@code name} (containers, env, ports, volumes) are
 * merged item by item, as Kubernetes' strategic merge does; other lists are one value.
 */
final class ThreeWayMerge {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ThreeWayMerge() {}

  /**
   * A field someone changed on the live object that the chart changes too.
   *
   * @param path where, as a JSON pointer with list items by name ({@code
   *     /spec/template/spec/containers/networking/image})
   * @param live its value on the cluster; null when someone removed it
   * @param chart what the chart sets now; null when it removes the field
   * @param before what was applied before, which the live value was changed from
   */
  record Conflict(String path, JsonNode live, JsonNode chart, JsonNode before) {
    String describe() {
      return "%s is %s on the cluster (changed from %s), the new chart sets %s"
          .formatted(path, shown(live), shown(before), shown(chart));
    }

    private static String shown(JsonNode value) {
      return value == null || value.isMissingNode() ? "nothing" : value.toString();
    }
  }

  /** The object to write, and the conflicts that forbid writing it. */
  record Result(JsonNode merged, List<Conflict> conflicts) {}

  /**
   * @param base what was applied before, null when unknown (the chart's fields then win)
   * @param desired what the chart renders now
   * @param live the object on the cluster
   */
  static Result merge(JsonNode base, JsonNode desired, JsonNode live) {
    List<Conflict> conflicts = new ArrayList<>();
    JsonNode merged = merge("", base, desired, live, conflicts);
    return new Result(merged, List.copyOf(conflicts));
  }

  private static JsonNode merge(
      String path, JsonNode base, JsonNode desired, JsonNode live, List<Conflict> conflicts) {
    if (base != null && equal(base, desired)) {
      // The chart leaves it alone: whatever the cluster has stays.
      return live;
    }
    if (desired != null && desired.isObject() && (live == null || live.isObject())) {
      return mergeObjects(path, object(base), (ObjectNode) desired, object(live), conflicts);
    }
    if (named(desired) && named(live) && (base == null || named(base))) {
      return mergeNamedLists(path, base, desired, live, conflicts);
    }
    if (live == null || equal(live, desired) || base == null || matches(base, live)) {
      return desired;
    }
    conflicts.add(new Conflict(path, live, desired, base));
    return live;
  }

  private static JsonNode mergeObjects(
      String path, ObjectNode base, ObjectNode desired, ObjectNode live, List<Conflict> conflicts) {
    ObjectNode merged = NODES.objectNode();
    Set<String> keys = new LinkedHashSet<>();
    desired.fieldNames().forEachRemaining(keys::add);
    if (live != null) {
      live.fieldNames().forEachRemaining(keys::add);
    }
    if (base != null) {
      base.fieldNames().forEachRemaining(keys::add);
    }
    for (String key : keys) {
      JsonNode b = base == null ? null : base.get(key);
      JsonNode d = desired.get(key);
      JsonNode l = live == null ? null : live.get(key);
      JsonNode value;
      if (d == null && b == null) {
        value = l; // only the cluster has it
      } else if (d == null) {
        value = removed(path + "/" + escape(key), b, l, conflicts);
      } else {
        value = merge(path + "/" + escape(key), base == null ? null : b, d, l, conflicts);
      }
      if (value != null) {
        merged.set(key, value);
      }
    }
    return merged;
  }

  /** The chart no longer sets a field it set before: gone, unless someone changed it since. */
  private static JsonNode removed(String path, JsonNode base, JsonNode live, List<Conflict> c) {
    if (live == null || matches(base, live)) {
      return null;
    }
    c.add(new Conflict(path, live, null, base));
    return live;
  }

  private static JsonNode mergeNamedLists(
      String path, JsonNode base, JsonNode desired, JsonNode live, List<Conflict> conflicts) {
    Map<String, JsonNode> b = byName(base);
    Map<String, JsonNode> d = byName(desired);
    Map<String, JsonNode> l = byName(live);
    ArrayNode merged = NODES.arrayNode();
    for (var item : d.entrySet()) {
      JsonNode value =
          merge(
              path + "/" + escape(item.getKey()),
              base == null ? null : b.get(item.getKey()),
              item.getValue(),
              l.get(item.getKey()),
              conflicts);
      if (value != null) {
        merged.add(value);
      }
    }
    for (var item : l.entrySet()) {
      if (d.containsKey(item.getKey())) {
        continue;
      }
      JsonNode kept =
          b.containsKey(item.getKey())
              ? removed(
                  path + "/" + escape(item.getKey()),
                  b.get(item.getKey()),
                  item.getValue(),
                  conflicts)
              : item.getValue(); // added on the cluster
      if (kept != null) {
        merged.add(kept);
      }
    }
    return merged;
  }

  /**
   * Whether live is still what base set: every field of base has the same value on live, which may
   * have more (what the server defaults).
   */
  static boolean matches(JsonNode base, JsonNode live) {
    if (base == null || live == null) {
      return base == live;
    }
    if (base.isObject() && live.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = base.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!matches(field.getValue(), live.get(field.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (base.isArray() && live.isArray()) {
      if (base.size() != live.size()) {
        return false;
      }
      for (int i = 0; i < base.size(); i++) {
        if (!matches(base.get(i), live.get(i))) {
          return false;
        }
      }
      return true;
    }
    return equal(base, live);
  }

  /** Equal values; numbers by value, so 1 and 1.0 are the same. */
  private static boolean equal(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static boolean named(JsonNode list) {
    if (list == null || !list.isArray() || list.isEmpty()) {
      return list != null && list.isArray();
    }
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode item : list) {
      if (!item.isObject()
          || !item.path("name").isTextual()
          || !names.add(item.get("name").asText())) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, JsonNode> byName(JsonNode list) {
    Map<String, JsonNode> items = new LinkedHashMap<>();
    if (list != null) {
      list.forEach(item -> items.put(item.get("name").asText(), item));
    }
    return items;
  }

  private static ObjectNode object(JsonNode node) {
    return node instanceof ObjectNode o ? o : null;
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
