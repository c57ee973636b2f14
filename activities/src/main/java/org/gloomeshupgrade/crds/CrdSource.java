package org.gloomeshupgrade.crds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
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
import org.gloomeshupgrade.controlplane.ChartResolver;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;

/**
 * Where the target version's CRD manifests come from: a local folder or file (air-gapped sites); a
 * chart (a .tgz, local or http(s), or a chart folder), whose {@code crds/} are read; {@code chart},
 * the CRDs of the chart the control-plane step installs ({@code gloo-mesh} up to 0.12.0, {@code
 * gloo-mesh-crds} of the same repository from 0.12.1); an http(s) base URL holding the published
 * file names; or, for an empty source, the public Gloo Mesh repository at the target's tag.
 */
public final class CrdSource {
  /** Failure type for a download that may work when retried (server error, no answer). */
  public static final String UNREACHABLE = FailureTypes.CRD_SOURCE_UNREACHABLE;

  /** The crdSource that means "the CRDs of the chart the control-plane step installs". */
  public static final String FROM_CHART = "chart";

  public static final String PUBLIC_REPOSITORY =
      "https://raw.githubusercontent.com/solo-io/gloo-mesh/";

  /** From this version the CRDs live in their own chart, {@code gloo-mesh-crds}. */
  private static final Semver SEPARATE_CRD_CHART_FROM = Semver.of(0, 12, 1);

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http;
  private final ChartResolver charts;

  public CrdSource() {
    this(
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(15))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build());
  }

  public CrdSource(HttpClient http) {
    this.http = http;
    this.charts = new ChartResolver(http);
  }

  /** One CRD manifest and the file or URL it was read from. */
  public record Crd(String origin, ObjectNode manifest) {
    public String name() {
      return manifest.path("metadata").path("name").asText();
    }

    public String group() {
      return manifest.path("spec").path("group").asText();
    }

    public boolean isV1beta1() {
      return CrdManifestConverter.isV1beta1(manifest);
    }
  }

  /**
   * @param source the folder, file or URL actually read (the public URL when the request named
   *     none)
   * @param files how many files were read
   */
  public record Loaded(String source, int files, List<Crd> crds) {
    public Loaded {
      crds = List.copyOf(crds);
    }
  }

  /** The same as {@link #load(String, String, String)} with the default chart repository. */
  public Loaded load(String source, String targetVersion) {
    return load(source, targetVersion, "");
  }

  /**
   * Reads every CRD of the source. Refuses, before anything is written anywhere, a source that is
   * missing, unreadable, or holds no CRD.
   *
   * @param targetVersion picks the file names and the tag of URL sources, and is the version a
   *     chart must have
   * @param chart the control-plane chart (repository URL, archive or folder; "" for the default
   *     repository), read only when the source is {@value #FROM_CHART}
   */
  public Loaded load(String source, String targetVersion, String chart) {
    String trimmed = source == null ? "" : source.trim();
    if (trimmed.isEmpty()) {
      Semver version = version(targetVersion, "the public repository");
      return fromUrls(publicBaseUrl(version), version);
    }
    if (trimmed.equalsIgnoreCase(FROM_CHART)) {
      return fromControlPlaneChart(chart, version(targetVersion, "the chart"));
    }
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".tgz") || Files.isRegularFile(Path.of(trimmed).resolve("Chart.yaml"))) {
      return fromChart(ChartResolver.CHART_NAME, trimmed, version(targetVersion, trimmed));
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
        return collect(trimmed, 1, parse(fetch(trimmed), trimmed));
      }
      return fromUrls(
          trimmed.endsWith("/") ? trimmed : trimmed + "/", version(targetVersion, trimmed));
    }
    return fromPath(Path.of(trimmed), trimmed);
  }

  /**
   * The CRDs that belong with the control-plane chart: its own {@code crds/} up to 0.12.0; from
   * 0.12.1 the {@code gloo-mesh-crds} chart, which only a repository can be asked for.
   */
  private Loaded fromControlPlaneChart(String chart, Semver version) {
    if (version.isLowerThan(SEPARATE_CRD_CHART_FROM)) {
      return fromChart(ChartResolver.CHART_NAME, chart, version);
    }
    if (!ChartResolver.isRepository(chart)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "crdSource \"chart\": from Gloo Mesh 0.12.1 the CRDs are in the "
              + ChartResolver.CRDS_CHART_NAME
              + " chart, and chart "
              + chart
              + " is a single chart, not a repository."
              + " Set crdSource to the "
              + ChartResolver.CRDS_CHART_NAME
              + " "
              + version.getVersion()
              + " chart (.tgz or folder).",
          FailureTypes.CRD_SOURCE);
    }
    return fromChart(ChartResolver.CRDS_CHART_NAME, chart, version);
  }

  /**
   * The {@code crds/} of a chart, read by Helm ({@code helm show crds}); the chart must be the
   * target version.
   */
  private Loaded fromChart(String chartName, String reference, Semver version) {
    ChartResolver.ResolvedChart resolved =
        charts.resolve(chartName, reference, version.getVersion());
    String yaml;
    try (ChartResolver.LocalChart local = charts.fetch(resolved)) {
      yaml = Helm.show(local.path().toString()).crds().call();
    } catch (IllegalStateException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the CRDs of chart " + resolved.location() + " cannot be read by Helm: " + e.getMessage(),
          FailureTypes.CRD_SOURCE);
    }
    return collect(resolved.location(), 1, parse(yaml, resolved.location()));
  }

  /** The public repository folder holding the management-plane CRDs of a version, ending in "/". */
  public static String publicBaseUrl(Semver version) {
    String folder =
        version.isLowerThan(SEPARATE_CRD_CHART_FROM)
            ? "install/helm/gloo-mesh/crds/"
            : "install/helm/gloo-mesh-crds/crds/";
    return PUBLIC_REPOSITORY + "v" + version.getVersion() + "/" + folder;
  }

  /** The file names the management-plane CRDs of a 0.x version are published under. */
  public static List<String> fileNames(Semver version) {
    return ManagementCrds.files(version).stream().map(ManagementCrds.GroupFile::fileName).toList();
  }

  /**
   * Every CRD document of a multi-document YAML text, in order. Empty documents and documents of
   * other kinds are skipped: chart folders and hand-made bundles often carry both.
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
          "CRD source " + origin + " is not valid YAML: " + rootMessage(e),
          FailureTypes.CRD_SOURCE);
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
        files =
            list.filter(Files::isRegularFile)
                .filter(
                    p -> {
                      String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                      return n.endsWith(".yaml") || n.endsWith(".yml");
                    })
                .sorted()
                .toList();
      } catch (IOException e) {
        throw ApplicationFailure.newNonRetryableFailure(
            "CRD source folder " + source + " cannot be listed: " + rootMessage(e),
            FailureTypes.CRD_SOURCE);
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
        throw ApplicationFailure.newNonRetryableFailure(
            "CRD "
                + crd.name()
                + " is defined twice in source "
                + source
                + " ("
                + earlier.origin()
                + " and "
                + crd.origin()
                + ")",
            FailureTypes.CRD_SOURCE);
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
          "CRD source URL " + url + " is not a valid URL: " + e.getMessage(),
          FailureTypes.CRD_SOURCE);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "CRD source "
              + url
              + " could not be fetched: "
              + rootMessage(e)
              + ". Retrying with backoff.",
          UNREACHABLE);
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
          "CRD source " + url + " answered HTTP " + status + ". Retrying with backoff.",
          UNREACHABLE);
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "CRD source "
            + url
            + " answered HTTP "
            + status
            + (status == 404
                ? " (no such file at that version: check the target version or set crdSource)"
                : ""),
        FailureTypes.CRD_SOURCE);
  }

  private static Semver version(String targetVersion, String what) {
    Semver version = targetVersion == null ? null : Semver.parse(targetVersion);
    if (version == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "targetVersion \""
              + targetVersion
              + "\" is not a semantic version; it is needed to read CRDs from "
              + what,
          FailureTypes.INVALID_REQUEST);
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
