package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The request's Helm values files, read on the worker. They stay files: values can hold secrets,
 * and only their paths pass through the workflow's history.
 */
final class ValuesFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ValuesFiles() {}

  /**
   * Each file checked to be a readable YAML mapping, in the request's order; fails naming the first
   * bad one.
   */
  static List<Path> read(InstallSpec spec) {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < spec.valuesFiles().size(); i++) {
      String given = spec.valuesFiles().get(i);
      Path file = Path.of(given);
      String where = "helmValuesFiles[" + i + "] " + given;
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw ChartResolver.tooling(where + ": no readable file there on the worker");
      }
      JsonNode values;
      try {
        values = YAML.readTree(file.toFile());
      } catch (IOException e) {
        throw ChartResolver.tooling(where + ": not valid YAML: " + e.getMessage());
      }
      if (values != null && !values.isMissingNode() && !values.isNull() && !values.isObject()) {
        throw ChartResolver.tooling(
            where
                + ": Helm values must be a mapping of keys, not a "
                + values.getNodeType().toString().toLowerCase(Locale.ROOT));
      }
      files.add(file.toAbsolutePath());
    }
    return files;
  }
}
