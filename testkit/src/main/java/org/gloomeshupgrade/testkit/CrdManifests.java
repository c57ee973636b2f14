package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CustomResourceDefinition manifests for the simulated kinds: {@code apiextensions.k8s.io/v1beta1}
 * files shaped like the published ones (what an upgrade has to read and convert), and {@code
 * apiextensions.k8s.io/v1} objects (what a current API server accepts).
 */
public final class CrdManifests {

  static final String HEADER = "# Gloo Mesh CustomResourceDefinitions, as simulated for tests.\n\n";

  private CrdManifests() {}

  /**
   * The v1beta1 manifest of a kind: one served and stored version, schema at {@code
   * spec.validation}.
   */
  public static ObjectNode v1beta1(SimulatedKind kind) {
    ObjectNode crd = Json.object();
    crd.put("apiVersion", "apiextensions.k8s.io/v1beta1");
    crd.put("kind", "CustomResourceDefinition");
    crd.set("metadata", metadata(kind));
    ObjectNode spec = crd.putObject("spec");
    spec.put("group", kind.group());
    spec.set("names", names(kind));
    spec.put("preserveUnknownFields", false);
    spec.put("scope", "Namespaced");
    spec.putObject("subresources").putObject("status");
    spec.putObject("validation").set("openAPIV3Schema", kind.schema());
    spec.put("version", kind.version());
    spec.putArray("versions")
        .addObject()
        .put("name", kind.version())
        .put("served", true)
        .put("storage", true);
    return crd;
  }

  /** The v1 form of the same definition: schema and subresources moved into the version. */
  public static ObjectNode v1(SimulatedKind kind) {
    ObjectNode crd = Json.object();
    crd.put("apiVersion", "apiextensions.k8s.io/v1");
    crd.put("kind", "CustomResourceDefinition");
    crd.set("metadata", metadata(kind));
    ObjectNode spec = crd.putObject("spec");
    spec.put("group", kind.group());
    spec.set("names", names(kind));
    spec.put("scope", "Namespaced");
    ObjectNode version = spec.putArray("versions").addObject();
    version.put("name", kind.version());
    version.put("served", true);
    version.put("storage", true);
    version.putObject("schema").set("openAPIV3Schema", kind.schema());
    version.putObject("subresources").putObject("status");
    return crd;
  }

  public static CustomResourceDefinition v1Crd(SimulatedKind kind) {
    return Json.KUBE.convertValue(v1(kind), CustomResourceDefinition.class);
  }

  public static io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinition
      v1beta1Crd(SimulatedKind kind) {
    return Json.KUBE.convertValue(
        v1beta1(kind),
        io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinition.class);
  }

  /** The file name the published charts use for a group's CRDs. */
  public static String fileName(String group, String version) {
    return group + "_" + version + "_crds.yaml";
  }

  /** One multi-document YAML text per group file, keyed by file name, for a simulated version. */
  public static Map<String, String> v1beta1Files(String glooMeshVersion) {
    Map<String, List<SimulatedKind>> byFile = new LinkedHashMap<>();
    for (SimulatedKind kind : SimulatedVersions.kinds(glooMeshVersion)) {
      byFile
          .computeIfAbsent(fileName(kind.group(), kind.version()), f -> new ArrayList<>())
          .add(kind);
    }
    Map<String, String> files = new LinkedHashMap<>();
    byFile.forEach(
        (file, kinds) -> {
          StringBuilder text = new StringBuilder(HEADER);
          for (SimulatedKind kind : kinds) {
            text.append("---\n").append(Json.toYaml(v1beta1(kind)));
          }
          files.put(file, text.toString());
        });
    return files;
  }

  /**
   * Writes the v1beta1 files of a version into a folder (created if needed) and returns their
   * paths.
   */
  public static List<Path> writeV1beta1Folder(String glooMeshVersion, Path folder) {
    try {
      Files.createDirectories(folder);
      List<Path> written = new ArrayList<>();
      for (Map.Entry<String, String> file : v1beta1Files(glooMeshVersion).entrySet()) {
        Path path = folder.resolve(file.getKey());
        Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
        written.add(path);
      }
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode metadata(SimulatedKind kind) {
    ObjectNode metadata = Json.object();
    ObjectNode labels = metadata.putObject("labels");
    // The multicluster CRD comes from skv2 itself, the
    // rest from Gloo Mesh, as in the published files.
    String app = kind.group().equals(SimulatedVersions.MULTICLUSTER_GROUP) ? "skv2" : "gloo-mesh";
    labels.put("app", app);
    labels.put("app.kubernetes.io/name", app);
    metadata.put("name", kind.crdName());
    return metadata;
  }

  private static ObjectNode names(SimulatedKind kind) {
    ObjectNode names = Json.object();
    names.put("kind", kind.kind());
    names.put("listKind", kind.listKind());
    names.put("plural", kind.plural());
    if (!kind.shortNames().isEmpty()) {
      ArrayNode shortNames = names.putArray("shortNames");
      kind.shortNames().forEach(shortNames::add);
    }
    names.put("singular", kind.singular());
    return names;
  }
}
