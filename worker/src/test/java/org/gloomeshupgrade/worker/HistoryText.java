package org.gloomeshupgrade.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A workflow history's JSON with its payloads decoded, to search it or to clean it for a fixture.
 */
final class HistoryText {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HistoryText() {}

  /** Every payload of the history, decoded, one after the other, plus the raw JSON. */
  static String decoded(String historyJson) throws Exception {
    StringBuilder out = new StringBuilder(historyJson);
    walk(JSON.readTree(historyJson), (holder, field, value) -> out.append('\n').append(value));
    return out.toString();
  }

  /**
   * The history with each payload's text rewritten (replacements applied), and worker identities
   * hidden.
   */
  static String rewritten(String historyJson, Map<String, String> replacements) throws Exception {
    JsonNode root = JSON.readTree(historyJson);
    walk(
        root,
        (holder, field, value) -> {
          String text = value;
          for (Map.Entry<String, String> r : replacements.entrySet()) {
            text = text.replace(r.getKey(), r.getValue());
          }
          holder.put(
              field, Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
        });
    hideIdentities(root);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  private static void hideIdentities(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("identity")) {
        object.put("identity", "worker");
      }
      object.forEach(HistoryText::hideIdentities);
    } else if (node.isArray()) {
      node.forEach(HistoryText::hideIdentities);
    }
  }

  private static void walk(JsonNode node, PayloadVisitor visitor) {
    if (node instanceof ObjectNode object) {
      JsonNode data = object.get("data");
      if (data != null && data.isTextual() && object.has("metadata")) {
        visitor.visit(
            object,
            "data",
            new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8));
      }
      object.forEach(child -> walk(child, visitor));
    } else if (node.isArray()) {
      node.forEach(child -> walk(child, visitor));
    }
  }

  @FunctionalInterface
  private interface PayloadVisitor {
    void visit(ObjectNode holder, String field, String decoded);
  }
}
