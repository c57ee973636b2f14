package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.gloomeshupgrade.request.RequestDefaults;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;

/**
 * Finds the target version of the Gloo Mesh chart: in a chart repository (through its {@code
 * index.yaml}), at an archive URL, or on the worker's disk (a .tgz or a chart folder), and makes it
 * a local file Helm can load.
 *
 * <p>Charts from a repository are downloaded here, over java.net.http, rather than through {@code
 * helm repo add}: helm-java has no repository option on upgrade or template, and a repository entry
 * would need a writable repository configuration and cache on the worker.
 */
public class ChartResolver {
  public static final String CHART_NAME = "gloo-mesh";

  /** From 0.12.1 the management-plane CRDs are published as their own chart. */
  public static final String CRDS_CHART_NAME = "gloo-mesh-crds";

  /** Failure type for a repository that did not answer; retrying may help. */
  public static final String UNREACHABLE = FailureTypes.CHART_REPOSITORY_UNREACHABLE;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

  private final HttpClient http;

  public ChartResolver() {
    this(
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(15))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build());
  }

  public ChartResolver(HttpClient http) {
    this.http = http;
  }

  /**
   * Where the chart of the target version is.
   *
   * @param location what a person reads: the archive URL or the local path
   * @param localPath the chart on the worker's disk, or null when it must be downloaded
   * @param archiveUrl the chart archive to download, or null for a local chart
   * @param digest the sha256 the repository index gives for the archive, or null
   */
  public record ResolvedChart(
      String location, Path localPath, URI archiveUrl, String digest, String version) {}

  /** A chart Helm can load from disk; closing it deletes what was downloaded for it. */
  public static final class LocalChart implements AutoCloseable {
    private final Path path;
    private final Path downloadFolder;

    LocalChart(Path path, Path downloadFolder) {
      this.path = path;
      this.downloadFolder = downloadFolder;
    }

    public Path path() {
      return path;
    }

    @Override
    public void close() {
      if (downloadFolder != null) {
        deleteRecursively(downloadFolder);
      }
    }
  }

  /** Chart.yaml's name and version. */
  public record ChartMetadata(String name, String version) {}

  /**
   * Finds the target version's chart, refusing (non-retryable {@link FailureTypes#TOOLING}) when it
   * is absent.
   */
  public ResolvedChart resolve(String chart, String targetVersion) {
    return resolve(CHART_NAME, chart, targetVersion);
  }

  /**
   * The same for a named chart: {@code chartName} picks the entry of a repository index; an archive
   * or a local chart is taken as it is, its version checked.
   */
  public ResolvedChart resolve(String chartName, String chart, String targetVersion) {
    Semver target = Semver.parse(targetVersion);
    String reference =
        chart == null || chart.isBlank() ? RequestDefaults.CHART_REPOSITORY : chart.trim();
    String lower = reference.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      if (lower.endsWith(".tgz")) {
        URI archive = URI.create(reference);
        try (LocalChart downloaded = download(archive, null)) {
          checkVersion(metadata(downloaded.path(), reference), target, reference);
        }
        return new ResolvedChart(reference, null, archive, null, target.getVersion());
      }
      return fromRepository(
          reference.endsWith("/") ? reference.substring(0, reference.length() - 1) : reference,
          chartName,
          target);
    }
    if (lower.contains("://")) {
      throw tooling(
          "chart "
              + reference
              + " is neither an http(s) repository or archive URL nor a local path");
    }
    Path path = Path.of(reference).toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw tooling("chart " + reference + " does not exist on the worker");
    }
    checkVersion(metadata(path, reference), target, reference);
    return new ResolvedChart(path.toString(), path, null, null, target.getVersion());
  }

  /** The chart on local disk, downloading it first when it is remote. */
  public LocalChart fetch(ResolvedChart chart) {
    if (chart.localPath() != null) {
      return new LocalChart(chart.localPath(), null);
    }
    return download(chart.archiveUrl(), chart.digest());
  }

  /** Chart.yaml of a chart folder or archive, read by Helm itself. */
  public static ChartMetadata metadata(Path chart, String reference) {
    String yaml;
    try {
      yaml = Helm.show(chart.toString()).chart().call();
    } catch (IllegalStateException e) {
      throw tooling("chart " + reference + " cannot be read by Helm: " + e.getMessage());
    }
    try {
      JsonNode node = YAML.readTree(yaml);
      return new ChartMetadata(node.path("name").asText(), node.path("version").asText());
    } catch (IOException e) {
      throw tooling("chart " + reference + " has an unreadable Chart.yaml: " + e.getMessage());
    }
  }

  /** True for a chart reference that names a repository (an http(s) URL that is not an archive). */
  public static boolean isRepository(String chart) {
    String lower =
        (chart == null || chart.isBlank() ? RequestDefaults.CHART_REPOSITORY : chart.trim())
            .toLowerCase(Locale.ROOT);
    return (lower.startsWith("http://") || lower.startsWith("https://")) && !lower.endsWith(".tgz");
  }

  private ResolvedChart fromRepository(String repository, String chartName, Semver target) {
    String indexUrl = repository + "/index.yaml";
    JsonNode index;
    try {
      index = YAML.readTree(get(URI.create(indexUrl), "the chart repository index"));
    } catch (IOException e) {
      throw tooling("chart repository index " + indexUrl + " is not valid YAML: " + e.getMessage());
    }
    JsonNode entries = index.path("entries").path(chartName);
    if (!entries.isArray() || entries.isEmpty()) {
      throw tooling("chart repository " + repository + " has no chart named " + chartName);
    }
    List<Semver> available = new ArrayList<>();
    for (JsonNode entry : entries) {
      Semver version = Semver.parse(entry.path("version").asText());
      if (version == null) {
        continue;
      }
      available.add(version);
      if (version.isEqualTo(target)) {
        JsonNode urls = entry.path("urls");
        if (!urls.isArray() || urls.isEmpty()) {
          throw tooling(
              "chart "
                  + chartName
                  + " "
                  + version.getVersion()
                  + " in "
                  + indexUrl
                  + " lists no download URL");
        }
        // Index URLs may be relative to the repository.
        URI archive = URI.create(repository + "/").resolve(urls.get(0).asText());
        String digest = entry.hasNonNull("digest") ? entry.get("digest").asText() : null;
        return new ResolvedChart(archive.toString(), null, archive, digest, version.getVersion());
      }
    }
    List<String> sameMinor =
        available.stream()
            .filter(v -> v.getMajor() == target.getMajor() && v.getMinor() == target.getMinor())
            .sorted(Comparator.reverseOrder())
            .map(Semver::getVersion)
            .toList();
    throw tooling(
        "chart repository "
            + repository
            + " has no "
            + chartName
            + " "
            + target.getVersion()
            + (sameMinor.isEmpty() ? "" : " (it has " + sameMinor + ")"));
  }

  private LocalChart download(URI archive, String digest) {
    Path folder;
    try {
      folder = Files.createTempDirectory("gloo-mesh-chart-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder for the chart", e);
    }
    String name =
        archive.getPath() == null
            ? ""
            : archive.getPath().substring(archive.getPath().lastIndexOf('/') + 1);
    Path file =
        folder.resolve(name.toLowerCase(Locale.ROOT).endsWith(".tgz") ? name : CHART_NAME + ".tgz");
    try {
      HttpResponse<Path> response =
          send(archive, HttpResponse.BodyHandlers.ofFile(file), "the chart archive");
      check(response.statusCode(), archive, "the chart archive");
      if (digest != null && !digest.isBlank()) {
        String actual = sha256(file);
        if (!actual.equalsIgnoreCase(digest)) {
          throw tooling(
              "chart archive "
                  + archive
                  + " has sha256 "
                  + actual
                  + " but the repository index says "
                  + digest);
        }
      }
      return new LocalChart(file, folder);
    } catch (RuntimeException e) {
      deleteRecursively(folder);
      throw e;
    }
  }

  private String get(URI uri, String what) {
    HttpResponse<String> response =
        send(uri, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), what);
    check(response.statusCode(), uri, what);
    return response.body();
  }

  private <T> HttpResponse<T> send(URI uri, HttpResponse.BodyHandler<T> handler, String what) {
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(), handler);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "could not fetch " + what + " " + uri + ": " + e + ". Retrying with backoff.",
          UNREACHABLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while fetching " + uri, UNREACHABLE);
    }
  }

  private static void check(int status, URI uri, String what) {
    if (status == 200) {
      return;
    }
    if (status >= 500 || status == 429) {
      throw ApplicationFailure.newFailure(
          what + " " + uri + " answered HTTP " + status + ". Retrying with backoff.", UNREACHABLE);
    }
    throw tooling(what + " " + uri + " answered HTTP " + status);
  }

  private static void checkVersion(ChartMetadata metadata, Semver target, String reference) {
    Semver version = Semver.parse(metadata.version());
    if (version == null || !version.isEqualTo(target)) {
      throw tooling(
          "chart "
              + reference
              + " is "
              + metadata.name()
              + " version "
              + metadata.version()
              + ", not the target "
              + target.getVersion());
    }
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ApplicationFailure tooling(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.TOOLING);
  }

  private static void deleteRecursively(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // Best effort: a leftover temporary file holds a public chart, nothing secret.
                }
              });
    } catch (IOException ignored) {
      // Same as above.
    }
  }
}
