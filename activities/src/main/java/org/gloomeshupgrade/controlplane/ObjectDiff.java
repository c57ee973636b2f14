package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * What a write would change in an object: the live copy against the server's answer to a dry run of
 * the write, as JSON-patch lines ({@code replace /spec/replicas: 1 -> 0}). Both sides are as the
 * server stores them, so defaulting adds no noise; what the server owns (status, resourceVersion,
 * managed fields) is left out.
 */
final class ObjectDiff {
  /** Enough to see what a write does; the rest is counted. */
  static final int MAX_LINES = 10;

  private static final int MAX_VALUE_LENGTH = 120;
  private static final List<String> SERVER_OWNED_METADATA =
      List.of(
          "resourceVersion", "generation", "managedFields", "uid", "creationTimestamp", "selfLink");

  private ObjectDiff() {}

  /**
   * One line per change, in JSON-patch order; empty when the write would change nothing. A Secret's
   * values are never shown, only the paths that change: the lines end up in the workflow's history.
   */
  static List<String> changes(JsonNode live, JsonNode wouldBe) {
    boolean secret =
        "Secret".equals(wouldBe.path("kind").asText())
            || "Secret".equals(live.path("kind").asText());
    JsonNode patch =
        JsonDiff.asJson(
            comparable(live),
            comparable(wouldBe),
            EnumSet.of(
                DiffFlags.OMIT_MOVE_OPERATION,
                DiffFlags.OMIT_COPY_OPERATION,
                DiffFlags.ADD_ORIGINAL_VALUE_ON_REPLACE));
    List<String> lines = new ArrayList<>();
    for (JsonNode op : patch) {
      String verb = op.path("op").asText();
      String path = op.path("path").asText();
      switch (verb) {
        case "replace" ->
            lines.add(
                secret
                    ? "replace " + path + " (value hidden)"
                    : "replace "
                        + path
                        + ": "
                        + shown(op.get("fromValue"))
                        + " -> "
                        + shown(op.get("value")));
        case "add" ->
            lines.add(
                secret
                    ? "add " + path + " (value hidden)"
                    : "add " + path + ": " + shown(op.get("value")));
        case "remove" -> lines.add("remove " + path);
        default -> lines.add(verb + " " + path);
      }
    }
    return lines;
  }

  /** The changes as one line for a report: the first {@value #MAX_LINES}, then how many more. */
  static String summary(List<String> changes) {
    if (changes.isEmpty()) {
      return "no change";
    }
    String shown = String.join("; ", changes.subList(0, Math.min(MAX_LINES, changes.size())));
    return changes.size() <= MAX_LINES
        ? shown
        : shown + "; and " + (changes.size() - MAX_LINES) + " more";
  }

  private static JsonNode comparable(JsonNode object) {
    ObjectNode copy = object.deepCopy();
    copy.remove("status");
    if (copy.path("metadata") instanceof ObjectNode metadata) {
      metadata.remove(SERVER_OWNED_METADATA);
      // Our own record of what was applied: every write changes it, and it repeats the object.
      if (metadata.path("annotations") instanceof ObjectNode annotations) {
        annotations.remove(LiveEdits.LAST_APPLIED);
        if (annotations.isEmpty()) {
          metadata.remove("annotations");
        }
      }
    }
    return copy;
  }

  private static String shown(JsonNode value) {
    String text = value == null ? "null" : value.toString();
    return text.length() <= MAX_VALUE_LENGTH ? text : text.substring(0, MAX_VALUE_LENGTH) + "...";
  }
}
