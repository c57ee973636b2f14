package org.gloomeshupgrade.crds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;

/**
 * Where the target version's CRD manifests come from: a local folder or file (air-gapped sites), an http(s)
 * base URL holding the published file names, or, for an empty source, the public Gloo Mesh repository at the
 * target's tag.
 */
public final class CrdSource {
  /** Failure type for a download that may work when retried (server error, no answer). */
  public static final String UNREACHABLE = FailureTypes.CRD_SOURCE_UNREACHABLE;

  static final String PUBLIC_REPOSITORY = "https://raw.githubusercontent.com/solo-io/gloo-mesh/";

  /** From this version the CRDs live in their own chart, {@code gloo-mesh-crds}. */
  private static final Semver SEPARATE_CRD_CHART_FROM = Semver.of(0, 12, 1);
  /** The enterprise networking and rbac groups appear in 0.10.8. */
  private static final Semver ENTERPRISE_GROUPS_FROM = Semver.of(0, 10, 8);
  private static final Semver OBSERVABILITY_FROM = Semver.of(0, 12, 3);
  private static final Semver FIRST_GLOO_MESH = Semver.of(0, 10, 0);
  private static final Semver FIRST_V1 = Semver.of(1, 0, 0);

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http;

  public CrdSource() {
    this(HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(15))
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build());
  }

  public CrdSource(HttpClient http) {
    this.http = http;
  }

  /** One CRD manifest and the file or URL it was read from. */
  public record Crd(String origin, ObjectNode manifest) {
    public String name() {
      return manifest.path("metadata").path("name").asText();
    }

    public boolean isV1beta1() {
      return CrdManifestConverter.isV1beta1(manifest);
    }
  }

  /**
   * @param source the folder, file or URL actually read (the public URL when the request named none)
   * @param files how many files were read
   */
  public record Loaded(String source, int files, List<Crd> crds) {
    public Loaded {
      crds = List.copyOf(crds);
    }
  }

  /**
   * Reads every CRD of the source. Refuses, before anything is written anywhere, a source that is missing,
   * unreadable, or holds no CRD.
   *
   * @param targetVersion needed only for URL sources, to pick the file names and the tag
   */
  public Loaded load(String source, String targetVersion) {
    String trimmed = source == null ? "" : source.trim();
    if (trimmed.isEmpty()) {
      Semver version = version(targetVersion, "the public repository");
      return fromUrls(publicBaseUrl(version), version);
    }
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
        return collect(trimmed, 1, parse(fetch(trimmed), trimmed));
      }
      return fromUrls(trimmed.endsWith("/") ? trimmed : trimmed + "/", version(targetVersion, trimmed));
    }
    return fromPath(Path.of(trimmed), trimmed);
  }

  /** The public repository folder holding the management-plane CRDs of a version, ending in "/". */
  public static String publicBaseUrl(Semver version) {
    String folder = version.isLowerThan(SEPARATE_CRD_CHART_FROM)
        ? "install/helm/gloo-mesh/crds/" : "install/helm/gloo-mesh-crds/crds/";
    return PUBLIC_REPOSITORY + "v" + version.getVersion() + "/" + folder;
  }

  /** The file names the management-plane CRDs of a 0.x version are published under. */
  public static List<String> fileNames(Semver version) {
    if (version.isLowerThan(FIRST_GLOO_MESH) || version.isGreaterThanOrEqualTo(FIRST_V1)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the published CRD file names are known for Gloo Mesh 0.10.0 to 0.12.x, not for " + version.getVersion()
              + ": set crdSource to a local folder holding that version's CRDs",
          FailureTypes.CRD_SOURCE);
    }
    List<String> names = new ArrayList<>();
    names.add("discovery.mesh.gloo.solo.io_v1alpha2_crds.yaml");
    names.add("multicluster.solo.io_v1alpha1_crds.yaml");
    if (version.isGreaterThanOrEqualTo(ENTERPRISE_GROUPS_FROM)) {
      names.add("networking.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml");
    }
    names.add("networking.mesh.gloo.solo.io_v1alpha2_crds.yaml");
    if (version.isGreaterThanOrEqualTo(OBSERVABILITY_FROM)) {
      names.add("observability.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml");
    }
    if (version.isGreaterThanOrEqualTo(ENTERPRISE_GROUPS_FROM)) {
      names.add("rbac.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml");
    }
    names.add("settings.mesh.gloo.solo.io_v1alpha2_crds.yaml");
    return List.copyOf(names);
  }

  /**
   * Every CRD document of a multi-document YAML text, in order. Empty documents and documents of other kinds
   * are skipped: chart folders and hand-made bundles often carry both.
   */
  public static List<Crd> parse(String yaml, String origin) {
    List<Crd> crds = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        if (doc != null && CrdManifestConverter.isCrd(doc)) {
          crds.add(new Crd(origin, (ObjectNode) doc));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "CRD source " + origin + " is not valid YAML: " + rootMessage(e), FailureTypes.CRD_SOURCE);
    }
    return crds;
  }

  private Loaded fromUrls(String baseUrl, Semver version) {
    List<Crd> crds = new ArrayList<>();
    List<String> names = fileNames(version);
    for (String name : names) {
      String url = baseUrl + name;
      crds.addAll(parse(fetch(url), url));
    }
    return collect(baseUrl, names.size(), crds);
  }

  private static Loaded fromPath(Path path, String source) {
    if (!Files.exists(path)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "CRD source " + source + " does not exist on the worker", FailureTypes.CRD_SOURCE);
    }
    List<Path> files;
    if (Files.isDirectory(path)) {
      try (Stream<Path> list = Files.list(path)) {
        files = list.filter(Files::isRegularFile)
            .filter(p -> {
              String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
              return n.endsWith(".yaml") || n.endsWith(".yml");
            })
            .sorted()
            .toList();
      } catch (IOException e) {
        throw ApplicationFailure.newNonRetryableFailure(
            "CRD source folder " + source + " cannot be listed: " + rootMessage(e), FailureTypes.CRD_SOURCE);
      }
    } else {
      files = List.of(path);
    }
    List<Crd> crds = new ArrayList<>();
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw ApplicationFailure.newNonRetryableFailure(
            "CRD file " + file + " cannot be read: " + rootMessage(e), FailureTypes.CRD_SOURCE);
      }
      crds.addAll(parse(text, file.toString()));
    }
    return collect(source, files.size(), crds);
  }

  private static Loaded collect(String source, int files, List<Crd> crds) {
    if (crds.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "CRD source " + source + " holds no CustomResourceDefinition (" + files + " files read)",
          FailureTypes.CRD_SOURCE);
    }
    Map<String, Crd> byName = new LinkedHashMap<>();
    for (Crd crd : crds) {
      if (crd.name().isBlank()) {
        throw ApplicationFailure.newNonRetryableFailure(
            "a CRD in " + crd.origin() + " has no metadata.name", FailureTypes.CRD_SOURCE);
      }
      Crd earlier = byName.putIfAbsent(crd.name(), crd);
      if (earlier != null) {
        // Two different definitions of one CRD: which one wins would be an accident of file order.
        throw ApplicationFailure.newNonRetryableFailure("CRD " + crd.name() + " is defined twice in source "
            + source + " (" + earlier.origin() + " and " + crd.origin() + ")", FailureTypes.CRD_SOURCE);
      }
    }
    return new Loaded(source, files, crds);
  }

  private String fetch(String url) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build();
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "CRD source URL " + url + " is not a valid URL: " + e.getMessage(), FailureTypes.CRD_SOURCE);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "CRD source " + url + " could not be fetched: " + rootMessage(e) + ". Retrying with backoff.", UNREACHABLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while fetching " + url, UNREACHABLE);
    }
    int status = response.statusCode();
    if (status == 200) {
      return response.body();
    }
    if (status >= 500 || status == 429) {
      throw ApplicationFailure.newFailure(
          "CRD source " + url + " answered HTTP " + status + ". Retrying with backoff.", UNREACHABLE);
    }
    throw ApplicationFailure.newNonRetryableFailure("CRD source " + url + " answered HTTP " + status
        + (status == 404 ? " (no such file at that version: check the target version or set crdSource)" : ""),
        FailureTypes.CRD_SOURCE);
  }

  private static Semver version(String targetVersion, String what) {
    Semver version = targetVersion == null ? null : Semver.parse(targetVersion);
    if (version == null) {
      throw ApplicationFailure.newNonRetryableFailure("targetVersion \"" + targetVersion
          + "\" is not a semantic version; it is needed to read CRDs from " + what, FailureTypes.INVALID_REQUEST);
    }
    return version;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
