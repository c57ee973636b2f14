package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Objects;
import java.util.Optional;

/**
 * A change a test declares it expects between two {@link ConfigurationSnapshot}s, at exactly one
 * JSON Pointer of exactly one resource, optionally with the value it must have before and after. It
 * covers that one difference and nothing under or beside it, and it must happen: see {@link
 * ConfigurationSnapshot#assertChangedExactly}.
 *
 * <pre>{@code
 * ExpectedChange.at(settings, "/spec/istio").removed()
 * ExpectedChange.at(settings, "/spec/discovery").added()
 * ExpectedChange.resourceRemoved(ResourceKey.namespaced(group, "TrafficPolicy", "gloo-mesh", "mgmt-retries"))
 * }</pre>
 */
public final class ExpectedChange {

  private final ResourceKey resource;
  private final String path;

  /** Empty: any value; a {@link MissingNode}: absent. */
  private final Optional<JsonNode> before;

  private final Optional<JsonNode> after;

  private ExpectedChange(
      ResourceKey resource, String path, Optional<JsonNode> before, Optional<JsonNode> after) {
    this.resource = resource;
    this.path = path;
    this.before = before;
    this.after = after;
  }

  /**
   * Some change of the value at {@code jsonPointer}; narrow it with {@link #from}, {@link #to},
   * {@link #removed}.
   */
  public static ExpectedChange at(ResourceKey resource, String jsonPointer) {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(jsonPointer, "jsonPointer");
    if (jsonPointer.isEmpty()) {
      throw new IllegalArgumentException(
          "the whole resource is not a field: use resourceAdded or resourceRemoved");
    }
    // Rejects what is not a JSON Pointer (no leading
    // slash, a bad ~ escape) rather than never matching.
    JsonPointer.compile(jsonPointer);
    return new ExpectedChange(resource, jsonPointer, Optional.empty(), Optional.empty());
  }

  public static ExpectedChange resourceAdded(ResourceKey resource) {
    return new ExpectedChange(
        Objects.requireNonNull(resource, "resource"),
        "",
        Optional.of(MissingNode.getInstance()),
        Optional.empty());
  }

  public static ExpectedChange resourceRemoved(ResourceKey resource) {
    return new ExpectedChange(
        Objects.requireNonNull(resource, "resource"),
        "",
        Optional.empty(),
        Optional.of(MissingNode.getInstance()));
  }

  /**
   * The value before must equal this one (a Java value is compared as the JSON it serializes to).
   */
  public ExpectedChange from(Object value) {
    return new ExpectedChange(
        resource, path, Optional.of(ConfigurationSnapshot.toJson(value)), after);
  }

  /**
   * The value after must equal this one (a Java value is compared as the JSON it serializes to).
   */
  public ExpectedChange to(Object value) {
    return new ExpectedChange(
        resource, path, before, Optional.of(ConfigurationSnapshot.toJson(value)));
  }

  /** The field was there before and is absent after. */
  public ExpectedChange removed() {
    return new ExpectedChange(resource, path, before, Optional.of(MissingNode.getInstance()));
  }

  /** The field was absent before and is there after. */
  public ExpectedChange added() {
    return new ExpectedChange(resource, path, Optional.of(MissingNode.getInstance()), after);
  }

  public ResourceKey resource() {
    return resource;
  }

  public String path() {
    return path;
  }

  boolean matches(ConfigurationDifference difference) {
    return resource.equals(difference.resource())
        && path.equals(difference.path())
        && before.map(v -> ConfigurationSnapshot.sameJson(v, difference.before())).orElse(true)
        && after.map(v -> ConfigurationSnapshot.sameJson(v, difference.after())).orElse(true);
  }

  @Override
  public String toString() {
    String where = path.isEmpty() ? "the resource" : path;
    return resource
        + " "
        + where
        + ": "
        + before.map(ConfigurationDifference::shown).orElse("(any)")
        + " -> "
        + after.map(ConfigurationDifference::shown).orElse("(any other)");
  }
}
