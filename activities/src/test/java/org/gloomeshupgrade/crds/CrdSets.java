package org.gloomeshupgrade.crds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.semver4j.Semver;

/**
 * Complete CRD sets for tests that are about something else (conversion, updates, URLs): the step
 * refuses an incomplete set, so a hand-written fixture is completed with small CRDs for every other
 * CRD the version has.
 */
final class CrdSets {
  private CrdSets() {}

  /**
   * Copies the fixture (a file, or the files of a folder) into {@code folder} and adds {@code
   * zz-completion.yaml} with a small CRD for each CRD of {@code version} the fixture lacks.
   */
  static Path completed(Path fixture, String version, Path folder) {
    try {
      Files.createDirectories(folder);
      try (Stream<Path> files =
          Files.isDirectory(fixture) ? Files.list(fixture) : Stream.of(fixture)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          Files.copy(file, folder.resolve(file.getFileName().toString()));
        }
      }
      Set<String> present =
          new HashSet<>(
              new CrdSource()
                  .load(folder.toString(), version).crds().stream()
                      .map(CrdSource.Crd::name)
                      .toList());
      StringBuilder completion = new StringBuilder();
      for (ManagementCrds.GroupFile file : ManagementCrds.files(Semver.parse(version))) {
        for (String plural : file.plurals()) {
          if (!present.contains(plural + "." + file.group())) {
            completion.append(crd(file.group(), file.apiVersion(), plural)).append("---\n");
          }
        }
      }
      Files.writeString(folder.resolve("zz-completion.yaml"), completion.toString());
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every CRD of one published file of a version, small: what a URL source serves under that file
   * name.
   */
  static String publishedFile(String fileName, String version) {
    ManagementCrds.GroupFile file =
        ManagementCrds.files(Semver.parse(version)).stream()
            .filter(f -> f.fileName().equals(fileName))
            .findFirst()
            .orElseThrow();
    return file.plurals().stream()
        .map(p -> crd(file.group(), file.apiVersion(), p))
        .collect(Collectors.joining("---\n"));
  }

  /** A small v1beta1 CRD whose spec keeps whatever it is given. */
  static String crd(String group, String apiVersion, String plural) {
    String singular =
        plural.endsWith("ies")
            ? plural.substring(0, plural.length() - 3) + "y"
            : plural.endsWith("es") && !plural.endsWith("ses")
                ? plural.substring(0, plural.length() - 2)
                : plural.endsWith("s") ? plural.substring(0, plural.length() - 1) : plural;
    String kind = singular.substring(0, 1).toUpperCase(Locale.ROOT) + singular.substring(1);
    return """
        apiVersion: apiextensions.k8s.io/v1beta1
        kind: CustomResourceDefinition
        metadata:
          name: %3$s.%1$s
        spec:
          group: %1$s
          names:
            kind: %4$s
            listKind: %4$sList
            plural: %3$s
            singular: %5$s
          preserveUnknownFields: false
          scope: Namespaced
          subresources:
            status: {}
          validation:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
          versions:
          - name: %2$s
            served: true
            storage: true
        """
        .formatted(group, apiVersion, plural, kind, singular);
  }
}
