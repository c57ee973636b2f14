package org.gloomeshupgrade.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One wave of a fleet upgrade: management planes upgraded together, {@code concurrency} at a time,
 * before the next wave starts. Build one with {@link FleetRequestParser}.
 *
 * @param name a Kubernetes name (DNS label), unique in the fleet
 * @param contexts the kubeconfig contexts of the wave's management planes, each in one wave only
 * @param concurrency how many of the wave's planes are upgraded at once, 1 to contexts.size()
 * @param overrides upgrade request fields for one plane, by context, replacing the fleet's common
 *     fields of the same name; the objects handed out are copies
 */
public record FleetWave(
    String name, List<String> contexts, int concurrency, Map<String, ObjectNode> overrides) {
  public FleetWave {
    contexts = List.copyOf(contexts);
    overrides = copy(overrides);
  }

  /** Copies, so that no caller can change the wave's overrides. */
  @Override
  public Map<String, ObjectNode> overrides() {
    return copy(overrides);
  }

  /** The plane's override, a copy; empty when it has none. */
  public ObjectNode overrideFor(String context) {
    ObjectNode override = overrides.get(context);
    return override == null ? FleetRequest.emptyObject() : override.deepCopy();
  }

  private static Map<String, ObjectNode> copy(Map<String, ObjectNode> overrides) {
    Map<String, ObjectNode> copy = new LinkedHashMap<>();
    overrides.forEach((context, fields) -> copy.put(context, fields.deepCopy()));
    return Collections.unmodifiableMap(copy);
  }
}
