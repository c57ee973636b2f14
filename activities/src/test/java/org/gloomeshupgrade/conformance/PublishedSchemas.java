package org.gloomeshupgrade.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.gloomeshupgrade.crds.CrdManifestConverter;
import org.gloomeshupgrade.crds.CrdSource;
import org.gloomeshupgrade.crds.PublishedCrds;
import org.gloomeshupgrade.mesh.GlooMeshGroups;

/**
 * The user-configuration CRDs of a published Gloo Mesh version, as the conformance step gets them:
 * converted to {@code apiextensions.k8s.io/v1} by our converter, read into the fabric8 model, and
 * the served version's schema taken back out of it.
 */
final class PublishedSchemas {
  static final String[] VERSIONS = {"0.10.10", "0.11.3", "0.12.0", "0.12.8"};
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private final Map<String, CustomResourceDefinition> byKind;

  private PublishedSchemas(Map<String, CustomResourceDefinition> byKind) {
    this.byKind = byKind;
  }

  /** Null when the published CRDs of that version are not on this machine. */
  static PublishedSchemas of(String version) {
    Path folder = PublishedCrds.management(version);
    if (folder == null) {
      return null;
    }
    Map<String, CustomResourceDefinition> byKind = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.sorted().toList()) {
        for (CrdSource.Crd crd : CrdSource.parse(Files.readString(file), file.toString())) {
          if (GlooMeshGroups.USER_CONFIGURATION.contains(crd.group())) {
            CustomResourceDefinition v1 =
                JSON.convertValue(
                    CrdManifestConverter.toV1(crd.manifest()), CustomResourceDefinition.class);
            byKind.put(v1.getSpec().getNames().getKind(), v1);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PublishedSchemas(byKind);
  }

  Map<String, CustomResourceDefinition> crds() {
    return byKind;
  }

  CustomResourceDefinition crd(String kind) {
    CustomResourceDefinition crd = byKind.get(kind);
    if (crd == null) {
      throw new IllegalArgumentException(
          "no published CRD of kind " + kind + ": " + byKind.keySet());
    }
    return crd;
  }

  /** "networking.mesh.gloo.solo.io/v1alpha2" for TrafficPolicy. */
  String apiVersion(String kind) {
    return crd(kind).getSpec().getGroup()
        + "/"
        + crd(kind).getSpec().getVersions().get(0).getName();
  }

  JsonNode schema(String kind) {
    return JSON.valueToTree(
        crd(kind).getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
  }

  boolean preservesUnknownFields(String kind) {
    return Boolean.TRUE.equals(crd(kind).getSpec().getPreserveUnknownFields());
  }
}
