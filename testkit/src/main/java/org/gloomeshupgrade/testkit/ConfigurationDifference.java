package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Objects;

/**
 * One difference between two {@link ConfigurationSnapshot}s: at {@code path} of {@code resource},
 * the value before and the value after. A side where the value is absent is a {@link MissingNode}
 * (not JSON null, which is a value).
 *
 * @param path a JSON Pointer into the resource, e.g. {@code /spec/retries/attempts} or {@code
 *     /metadata/labels/app.kubernetes.io~1version}; empty when the whole resource was added or
 *     removed
 */
public record ConfigurationDifference(
    ResourceKey resource, String path, JsonNode before, JsonNode after) {

  /** Values longer than this are cut in messages; the difference itself keeps them whole. */
  private static final int SHOWN = 400;

  public ConfigurationDifference {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(path, "path");
    before = before == null ? MissingNode.getInstance() : before;
    after = after == null ? MissingNode.getInstance() : after;
    if (before.isMissingNode() && after.isMissingNode()) {
      throw new IllegalArgumentException(
          "a difference needs a value on at least one side: " + resource + path);
    }
  }

  public boolean resourceAdded() {
    return path.isEmpty() && before.isMissingNode();
  }

  public boolean resourceRemoved() {
    return path.isEmpty() && after.isMissingNode();
  }

  /**
   * The change alone, without the resource: {@code /spec/x: 1 -> 2}, {@code /spec/y added: "z"},
   * and so on.
   */
  public String describe() {
    if (resourceAdded()) {
      return "resource added: " + shown(after);
    }
    if (resourceRemoved()) {
      return "resource removed (it was " + shown(before) + ")";
    }
    if (before.isMissingNode()) {
      return path + " added: " + shown(after);
    }
    if (after.isMissingNode()) {
      return path + " removed (it was " + shown(before) + ")";
    }
    return path + ": " + shown(before) + " -> " + shown(after);
  }

  @Override
  public String toString() {
    return resource + " " + describe();
  }

  static String shown(JsonNode value) {
    if (value.isMissingNode()) {
      return "(absent)";
    }
    String text = value.toString();
    return text.length() <= SHOWN
        ? text
        : text.substring(0, SHOWN) + "... (" + text.length() + " characters)";
  }
}
