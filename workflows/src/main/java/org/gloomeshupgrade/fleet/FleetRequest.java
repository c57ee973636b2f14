package org.gloomeshupgrade.fleet;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;

/**
 * A validated fleet upgrade: several management planes upgraded to one version in waves, each plane
 * by its own upgrade request. Build one from JSON with {@link FleetRequestParser}.
 *
 * @param name the fleet's name, a DNS label: the workflow ID is {@code gloo-mesh-fleet-<name>}
 * @param targetVersion the version every plane is upgraded to, as the upgrade request reads it
 * @param common upgrade request fields shared by every plane, without targetVersion,
 *     managementContext and resumeFrom (the fleet sets those); the object handed out is a copy
 * @param waves in order: a wave starts once the one before it has succeeded and soaked
 * @param soak how long the fleet waits after a wave's planes have succeeded, before the next wave
 * @param approval whether each plane asks for approval, or the fleet asks once per wave
 */
public record FleetRequest(
    String name,
    String targetVersion,
    ObjectNode common,
    List<FleetWave> waves,
    Duration soak,
    FleetApproval approval) {
  /** The wire fields the fleet sets in each plane's request, so that no request may set them. */
  public static final List<String> SET_BY_FLEET =
      List.of("targetVersion", "managementContext", "resumeFrom");

  public FleetRequest {
    common = common.deepCopy();
    waves = List.copyOf(waves);
  }

  /** A copy, so that no caller can change the fleet's common fields. */
  @Override
  public ObjectNode common() {
    return common.deepCopy();
  }

  /** The wave holding a plane. */
  public FleetWave waveOf(String context) {
    return waves.stream().filter(w -> w.contexts().contains(context)).findFirst().orElseThrow();
  }

  /** Every plane's context, in wave order. */
  public List<String> planes() {
    return waves.stream().flatMap(w -> w.contexts().stream()).toList();
  }

  /**
   * The upgrade request of one plane, a new object: the common fields, the plane's override fields
   * in their place, then targetVersion and managementContext (the plane's context).
   *
   * @throws IllegalArgumentException when no wave holds the context
   */
  public ObjectNode requestFor(String context) {
    FleetWave wave =
        waves.stream()
            .filter(w -> w.contexts().contains(context))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "\"%s\" is not a plane of this fleet (planes: %s)"
                            .formatted(context, planes())));
    return effectiveRequest(targetVersion, common, wave.overrideFor(context), context);
  }

  /**
   * The common fields, then the override's (each replacing the common field of its name whole),
   * then targetVersion and managementContext; fields the fleet sets are never taken from common or
   * the override.
   */
  static ObjectNode effectiveRequest(
      String targetVersion, ObjectNode common, ObjectNode override, String context) {
    ObjectNode request = emptyObject();
    request.put("targetVersion", targetVersion);
    request.put("managementContext", context);
    common
        .fields()
        .forEachRemaining(
            f -> {
              if (!SET_BY_FLEET.contains(f.getKey())) {
                request.set(f.getKey(), f.getValue().deepCopy());
              }
            });
    override
        .fields()
        .forEachRemaining(
            f -> {
              if (!SET_BY_FLEET.contains(f.getKey())) {
                request.set(f.getKey(), f.getValue().deepCopy());
              }
            });
    return request;
  }

  static ObjectNode emptyObject() {
    return JsonNodeFactory.instance.objectNode();
  }
}
