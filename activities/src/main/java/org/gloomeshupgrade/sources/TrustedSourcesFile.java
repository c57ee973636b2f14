package org.gloomeshupgrade.sources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker's trusted-sources file (YAML). Each key is a list of http(s) URLs and absolute paths;
 * a key left out keeps its default, and an empty list trusts nothing of that kind:
 *
 * <pre>
 * charts: [https://storage.googleapis.com/gloo-mesh/gloo-mesh, /srv/charts]
 * crdSources: [https://raw.githubusercontent.com/solo-io/gloo-mesh/, /srv/crds]
 * agentCharts: [https://storage.googleapis.com/gloo-mesh, /srv/charts]
 * valuesFolders: [/etc/gloo-mesh-upgrade/values]
 * binaries: [/usr/local/bin/meshctl]
 * </pre>
 */
public final class TrustedSourcesFile {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** The file's keys; each null when left out. */
  record Entries(
      List<String> charts,
      List<String> crdSources,
      List<String> agentCharts,
      List<String> valuesFolders,
      List<String> binaries) {}

  private TrustedSourcesFile() {}

  /**
   * @throws IllegalArgumentException naming the file, and the key and entry when one is wrong
   */
  public static TrustedSources read(Path file) {
    Entries entries;
    try {
      String text = Files.readString(file);
      // An empty file, or one of comments only, keeps every default.
      entries = text.isBlank() ? null : YAML.readValue(text, Entries.class);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException(
          "trusted sources %s: unknown key \"%s\"; the keys are %s"
              .formatted(file, e.getPropertyName(), e.getKnownPropertyIds()));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "trusted sources %s is not a mapping of lists: %s"
              .formatted(file, e.getOriginalMessage()));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "trusted sources %s cannot be read: %s".formatted(file, e.getMessage()));
    }
    if (entries == null) {
      entries = new Entries(null, null, null, null, null);
    }
    List<String> problems = new ArrayList<>();
    TrustedSources sources =
        new TrustedSources(
            key(file, "charts", entries.charts(), TrustedSources.DEFAULT_CHARTS, problems),
            key(
                file,
                "crdSources",
                entries.crdSources(),
                TrustedSources.DEFAULT_CRD_SOURCES,
                problems),
            key(
                file,
                "agentCharts",
                entries.agentCharts(),
                TrustedSources.DEFAULT_AGENT_CHARTS,
                problems),
            key(
                file,
                "valuesFolders",
                entries.valuesFolders(),
                TrustedSources.DEFAULT_VALUES_FOLDERS,
                problems),
            key(file, "binaries", entries.binaries(), TrustedSources.DEFAULT_BINARIES, problems));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return sources;
  }

  private static List<SourceLocation> key(
      Path file, String key, List<String> given, List<String> defaults, List<String> problems) {
    List<String> entries = given == null ? defaults : given;
    List<SourceLocation> locations = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      try {
        locations.add(SourceLocation.of(entries.get(i)));
      } catch (IllegalArgumentException e) {
        problems.add("trusted sources %s: %s[%d]: %s".formatted(file, key, i, e.getMessage()));
      }
    }
    return locations;
  }
}
