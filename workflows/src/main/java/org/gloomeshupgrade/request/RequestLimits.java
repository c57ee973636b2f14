package org.gloomeshupgrade.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Sizes no request needs to exceed, and characters none holds: a request is kept in the history,
 * its version becomes a search attribute, and its values are echoed in messages and logs, so none
 * may grow without bound or carry control characters.
 */
final class RequestLimits {
  /** Characters in any string value; paths, URLs and names all fit. */
  static final int MAX_TEXT = 512;

  /** Characters in targetVersion, which is kept as a search attribute. */
  static final int MAX_VERSION = 64;

  /** Items in any list or object. */
  static final int MAX_ITEMS = 500;

  /** How much of a too-long value a message quotes. */
  private static final int QUOTED = 40;

  private RequestLimits() {}

  /** Adds a problem, naming the field's path, for each value past its limit. */
  static void check(JsonNode root, List<String> problems) {
    JsonNode version = root.get("targetVersion");
    if (version != null && version.isTextual() && version.asText().length() > MAX_VERSION) {
      problems.add(tooLong("targetVersion", version.asText(), MAX_VERSION));
    }
    walk("", root, problems);
  }

  private static void walk(String path, JsonNode node, List<String> problems) {
    if (node.isTextual()) {
      String text = node.asText();
      if (text.length() > MAX_TEXT && !path.equals("targetVersion")) {
        problems.add(tooLong(path, text, MAX_TEXT));
      }
      text.chars()
          .filter(Character::isISOControl)
          .findFirst()
          .ifPresent(
              c ->
                  problems.add(
                      "%s: holds the control character U+%04X; names, paths and durations have none"
                          .formatted(path, c)));
    } else if (node.isArray()) {
      if (node.size() > MAX_ITEMS) {
        problems.add(
            "%s: %d items, more than the %d allowed".formatted(path, node.size(), MAX_ITEMS));
        return;
      }
      for (int i = 0; i < node.size(); i++) {
        walk("%s[%d]".formatted(path, i), node.get(i), problems);
      }
    } else if (node.isObject()) {
      if (node.size() > MAX_ITEMS) {
        problems.add(
            "%s: %d fields, more than the %d allowed".formatted(path, node.size(), MAX_ITEMS));
        return;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String key = field.getKey();
        String child = path.isEmpty() ? key : path + "." + key;
        if (key.length() > MAX_TEXT) {
          problems.add(tooLong(path.isEmpty() ? "a field name" : path, key, MAX_TEXT));
          continue;
        }
        walk(child, field.getValue(), problems);
      }
    }
  }

  private static String tooLong(String field, String value, int max) {
    return "%s: %d characters (\"%s...\"), more than the %d allowed"
        .formatted(field, value.length(), value.substring(0, QUOTED), max);
  }

  /** The value as a message quotes it: whole when short, its start and length when not. */
  static String quoted(String value) {
    return value.length() <= QUOTED * 2
        ? value
        : "%s... (%d characters)".formatted(value.substring(0, QUOTED), value.length());
  }
}
