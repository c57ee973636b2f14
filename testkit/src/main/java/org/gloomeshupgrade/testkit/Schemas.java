package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builders for structural OpenAPI v3 schemas. Every node carries a type, as Kubernetes requires of
 * structural schemas; subtrees the simulator does not describe keep unknown fields instead of being
 * left untyped, so a schema checker sees the same pruning rules a real API server applies.
 */
final class Schemas {

  private Schemas() {}

  static ObjectNode object(Object... namesAndSchemas) {
    ObjectNode node = Json.object().put("type", "object");
    ObjectNode properties = node.putObject("properties");
    for (int i = 0; i < namesAndSchemas.length; i += 2) {
      properties.set((String) namesAndSchemas[i], (ObjectNode) namesAndSchemas[i + 1]);
    }
    return node;
  }

  static ObjectNode string() {
    return Json.object().put("type", "string");
  }

  static ObjectNode enumeration(String... values) {
    ObjectNode node = string();
    ArrayNode allowed = node.putArray("enum");
    for (String value : values) {
      allowed.add(value);
    }
    return node;
  }

  static ObjectNode integer() {
    return Json.object().put("type", "integer").put("format", "int64");
  }

  static ObjectNode int32() {
    return Json.object().put("type", "integer").put("format", "int32");
  }

  static ObjectNode bool() {
    return Json.object().put("type", "boolean");
  }

  static ObjectNode array(ObjectNode items) {
    ObjectNode node = Json.object().put("type", "array");
    node.set("items", items);
    return node;
  }

  static ObjectNode mapOf(ObjectNode values) {
    ObjectNode node = Json.object().put("type", "object");
    node.set("additionalProperties", values);
    return node;
  }

  static ObjectNode stringMap() {
    return mapOf(string());
  }

  /** An object whose content the simulator does not model: kept as is by the server. */
  static ObjectNode opaque() {
    return Json.object().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
  }

  static ObjectNode objectRef() {
    return object("name", string(), "namespace", string());
  }

  static ObjectNode clusterObjectRef() {
    return object("name", string(), "namespace", string(), "clusterName", string());
  }

  static ObjectNode root(String description, ObjectNode spec, ObjectNode status) {
    spec.put("description", description);
    return object("spec", spec, "status", status);
  }
}
