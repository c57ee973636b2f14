package org.gloomeshupgrade.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One thing the schema refuses in an object.
 *
 * @param path where, in the report's format; for a missing required field, the field's own path
 * @param keyword the schema keyword that failed: type, enum, required, pattern, oneOf, anyOf,
 *     maximum...
 * @param value the offending value (the object, for a missing required field)
 * @param schema the schema object holding the keyword, so its value and siblings (exclusiveMaximum)
 *     can be read
 * @param reasons the validator's own words, several for an anyOf none of whose branches fits
 */
record SchemaViolation(
    String path, String keyword, JsonNode value, JsonNode schema, List<String> reasons) {
  /** The keyword's value: the enum's values, the pattern, the oneOf's branches, the maximum. */
  JsonNode constraint() {
    return schema.path(keyword);
  }
}
