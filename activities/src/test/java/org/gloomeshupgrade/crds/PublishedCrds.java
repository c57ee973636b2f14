package org.gloomeshupgrade.crds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real Gloo Mesh CRDs as published, kept as reference data beside the project (not in it):
 * {@code shared/gloo-mesh-crds/<version>/{management,agent}/*.yaml}. Tests that use them skip where
 * they are absent.
 */
public final class PublishedCrds {
  /** Overrides where the folder is looked for. */
  static final String PROPERTY = "gmu.publishedCrds";

  private PublishedCrds() {}

  /** The folder, or null when this machine does not have it. */
  public static Path folder() {
    String configured = System.getProperty(PROPERTY);
    List<Path> candidates =
        configured != null && !configured.isBlank()
            ? List.of(Path.of(configured))
            // Tests run in the module folder; the shared folder sits next to the project root.
            : List.of(
                Path.of("..", "shared", "gloo-mesh-crds"),
                Path.of("..", "..", "shared", "gloo-mesh-crds"));
    return candidates.stream()
        .filter(Files::isDirectory)
        .map(p -> p.toAbsolutePath().normalize())
        .findFirst()
        .orElse(null);
  }

  static List<Path> files(Path folder) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> versions = Files.list(folder)) {
      for (Path version : versions.filter(Files::isDirectory).sorted().toList()) {
        for (String plane : List.of("management", "agent")) {
          Path dir = version.resolve(plane);
          if (Files.isDirectory(dir)) {
            try (Stream<Path> yamls = Files.list(dir)) {
              yamls
                  .filter(p -> p.getFileName().toString().endsWith(".yaml"))
                  .sorted()
                  .forEach(files::add);
            }
          }
        }
      }
    }
    return files;
  }

  /** The management-plane folder of one published version, or null. */
  public static Path management(String version) {
    Path folder = folder();
    Path dir = folder == null ? null : folder.resolve(version).resolve("management");
    return dir != null && Files.isDirectory(dir) ? dir : null;
  }
}
