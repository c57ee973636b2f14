package org.gloomeshupgrade.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.semver4j.Semver;

/**
 * Reads the request's single-valued fields. A bad value adds a problem naming its field and reads
 * as the default (or null where no later check may use it), so that every problem is reported at
 * once.
 */
final class ScalarFields {
  private static final String DURATION_EXAMPLES = "\"15s\", \"2m\", \"1h30m\" or \"PT15S\"";

  private final JsonNode root;
  private final List<String> problems;

  ScalarFields(JsonNode root, List<String> problems) {
    this.root = root;
    this.problems = problems;
  }

  /** A semantic version, with or without a leading "v"; required. */
  String version(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      problems.add(
          "%s: required, the Gloo Mesh version to upgrade to, for example \"0.11.3\""
              .formatted(field));
      return null;
    }
    if (!node.isTextual()) {
      problems.add("%s: must be a string such as \"0.11.3\", got %s".formatted(field, node));
      return null;
    }
    String raw = node.asText().trim();
    Semver semver = Semver.parse(raw.startsWith("v") ? raw.substring(1) : raw);
    if (semver == null) {
      problems.add(
          "%s: \"%s\" is not a version like 0.11.3".formatted(field, RequestLimits.quoted(raw)));
      return null;
    }
    return semver.getVersion();
  }

  /** Trimmed text; blank or absent reads as the fallback. */
  String text(String field, String fallback, Function<String, String> check) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isTextual()) {
      problems.add("%s: must be a string, got %s".formatted(field, node));
      return fallback;
    }
    String value = node.asText().trim();
    if (value.isEmpty()) {
      return fallback;
    }
    String problem = check.apply(value);
    if (problem != null) {
      problems.add("%s: \"%s\" %s".formatted(field, RequestLimits.quoted(value), problem));
    }
    return value;
  }

  /** One of an enum's wire names, case-insensitive; {@code allowed} lists them for the message. */
  <E> E choice(String field, E fallback, Function<String, Optional<E>> byWireName, String allowed) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    String value = node.isTextual() ? node.asText().trim() : node.toString();
    Optional<E> chosen = byWireName.apply(value);
    if (chosen.isEmpty()) {
      problems.add("%s: \"%s\" is not one of %s".formatted(field, value, allowed));
    }
    return chosen.orElse(fallback);
  }

  int integer(String field, int fallback, int min, int max) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.canConvertToExactIntegral() || !node.canConvertToInt()) {
      problems.add(
          "%s: must be a whole number from %d to %d, got %s".formatted(field, min, max, node));
      return fallback;
    }
    int value = node.intValue();
    if (value < min || value > max) {
      problems.add("%s: %d is outside %d to %d".formatted(field, value, min, max));
      return fallback;
    }
    return value;
  }

  /** A JSON boolean, or the strings "true" and "false" that form fields tend to send. */
  boolean bool(String field, boolean fallback) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
      return Boolean.parseBoolean(node.asText());
    }
    problems.add("%s: must be true or false, got %s".formatted(field, node));
    return fallback;
  }

  /** A duration from {@code minimum} to the longest any wait may take; null when it is bad. */
  Duration duration(String field, Duration fallback, Duration minimum) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isTextual()) {
      problems.add(
          "%s: must be a duration string such as %s, got %s"
              .formatted(field, DURATION_EXAMPLES, node));
      return null;
    }
    String text = node.asText();
    Optional<Duration> parsed = DurationText.parse(text);
    if (parsed.isEmpty()) {
      problems.add(
          "%s: \"%s\" is not a duration such as %s"
              .formatted(field, RequestLimits.quoted(text), DURATION_EXAMPLES));
      return null;
    }
    Duration value = parsed.get();
    if (value.compareTo(minimum) < 0) {
      problems.add(
          "%s: %s is shorter than the minimum %s"
              .formatted(field, text, DurationText.format(minimum)));
      return null;
    }
    if (value.compareTo(RequestDefaults.MAX_TIMEOUT) > 0) {
      problems.add(
          "%s: %s is longer than the maximum %s"
              .formatted(field, text, DurationText.format(RequestDefaults.MAX_TIMEOUT)));
      return null;
    }
    return value;
  }
}
