package org.gloomeshupgrade.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The problem text and hint of a {@link SchemaViolation}, in the words of someone fixing the
 * resource.
 */
final class ViolationText {
  /**
   * True of every violation: the server checks the whole object on a create, and on an update every
   * field the update changes (validation ratcheting, on by default from Kubernetes 1.30, lets an
   * update keep an invalid field it does not touch).
   */
  private static final String REFUSED =
      "The new schema refuses this value: creating the object, or an update that "
          + "changes this field, fails. ";

  private ViolationText() {}

  static String problem(SchemaViolation v, String version) {
    String field = JsonPaths.name(v.path());
    return switch (v.keyword()) {
      case "required" -> "required field " + field + " is missing";
      case "type" ->
          field
              + " is "
              + describe(v.value())
              + ", but the "
              + version
              + " schema wants "
              + article(typeName(v.constraint()));
      case "enum" -> field + " is " + v.value() + ", which is not one of " + values(v.constraint());
      case "pattern" ->
          field
              + " is "
              + v.value()
              + ", which does not match the pattern "
              + v.constraint().asText();
      case "oneOf" ->
          setTogether(v).size() > 1
              ? field
                  + " sets "
                  + String.join(" and ", setTogether(v))
                  + ", of which only one may be set"
              : field + " " + v.reasons().get(0);
      case "minimum" ->
          field
              + " is "
              + number(v.value())
              + ", but must be "
              + (v.schema().path("exclusiveMinimum").asBoolean(false)
                  ? "greater than "
                  : "at least ")
              + number(v.constraint());
      case "maximum" ->
          field
              + " is "
              + number(v.value())
              + ", but must be "
              + (v.schema().path("exclusiveMaximum").asBoolean(false) ? "less than " : "at most ")
              + number(v.constraint());
      case "anyOf" ->
          field
              + " is "
              + describe(v.value())
              + ", which fits none of the forms the "
              + version
              + " schema allows ("
              + String.join("; ", v.reasons())
              + ")";
      default ->
          field
              + (v.value().isContainerNode() || v.value().isMissingNode()
                  ? ""
                  : " (" + v.value() + ")")
              + " "
              + v.reasons().get(0);
    };
  }

  static String hint(SchemaViolation v) {
    String field = JsonPaths.name(v.path());
    return REFUSED
        + switch (v.keyword()) {
          case "required" -> "Set " + field + " (see the changelog for what it holds).";
          case "type" -> "Write " + field + " as " + article(typeName(v.constraint())) + ".";
          case "enum" ->
              "Use one of " + values(v.constraint()) + " (see the changelog for renamed values).";
          case "pattern" -> "Write a value that matches " + v.constraint().asText() + ".";
          case "oneOf" ->
              setTogether(v).size() > 1
                  ? "Keep only one of " + String.join(", ", setTogether(v)) + "."
                  : "Set the fields as exactly one of the schema's alternatives allows.";
          default -> "Change " + field + " to what the schema allows.";
        };
  }

  /**
   * The fields an object sets from a oneOf whose branches each require one field: a protobuf oneof,
   * of which at most one member may be set.
   */
  private static List<String> setTogether(SchemaViolation v) {
    List<String> set = new ArrayList<>();
    for (JsonNode branch : v.constraint()) {
      JsonNode required = branch.path("required");
      if (required.size() == 1 && v.value().has(required.get(0).asText())) {
        set.add(required.get(0).asText());
      }
    }
    return set;
  }

  private static String describe(JsonNode value) {
    if (value.isObject()) {
      return "an object";
    }
    if (value.isArray()) {
      return "an array";
    }
    String type =
        value.isTextual()
            ? "a string"
            : value.isIntegralNumber()
                ? "an integer"
                : value.isNumber()
                    ? "a number"
                    : value.isBoolean() ? "a boolean" : value.isNull() ? "null" : "a value";
    return value.isNull() ? type : type + " (" + value + ")";
  }

  /** 4294967295 rather than the 4.294967295E9 a bound read as a double prints as. */
  private static String number(JsonNode n) {
    return n.isNumber() ? n.decimalValue().stripTrailingZeros().toPlainString() : n.toString();
  }

  /** "integer", or "integer or string" for the union an int-or-string field validates as. */
  private static String typeName(JsonNode type) {
    if (!type.isArray()) {
      return type.asText();
    }
    List<String> names = new ArrayList<>();
    type.forEach(
        t -> {
          if (!"null".equals(t.asText())) {
            names.add(t.asText());
          }
        });
    return String.join(" or ", names);
  }

  private static String article(String type) {
    return type.isEmpty()
        ? "another type"
        : ("aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
  }

  private static String values(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.isTextual() ? v.asText() : v.toString()));
    return String.join(", ", values);
  }
}
