package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A fleet request file: JSON when its name ends in .json, YAML otherwise. */
final class FleetRequestFile {
  // A key given twice would otherwise be read as its last value, without a word.
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private FleetRequestFile() {}

  /** The request as the workflow receives it; a missing node for an empty file. */
  static JsonNode read(Path file) throws IOException {
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    return (json ? JSON : YAML).readTree(Files.readString(file));
  }

  /** Why the file could not be read, for people. */
  static String unreadable(Path file, IOException e) {
    if (e instanceof JsonProcessingException parse) {
      return "the fleet request in %s is not valid %s: %s"
          .formatted(
              file,
              file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                  ? "JSON"
                  : "YAML",
              parse.getOriginalMessage()
                  + (parse.getLocation() == null
                      ? ""
                      : " (line %d, column %d)"
                          .formatted(
                              parse.getLocation().getLineNr(), parse.getLocation().getColumnNr())));
    }
    return "cannot read the fleet request %s: %s".formatted(file, e);
  }

  /** Every problem of the request, one a line. */
  static String refusal(Path file, List<String> problems) {
    return "the fleet request in %s is not valid, so nothing was started:%n  %s"
        .formatted(file, String.join(System.lineSeparator() + "  ", problems));
  }
}
