package org.gloomeshupgrade.sources;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One place the worker's operator trusts: an http(s) URL, covering itself and everything below it
 * on the same scheme, host and port, or a path on the worker, covering itself and everything below
 * it once links are followed.
 */
public final class SourceLocation {
  /** What some servers decode into a climb out of a folder. */
  private static final Pattern ENCODED_OR_CLIMBING =
      Pattern.compile("(^|/)\\.\\.(/|$)|%2e|%2f|%5c|\\\\", Pattern.CASE_INSENSITIVE);

  private final String entry;
  private final URI url;
  private final Path path;

  private SourceLocation(String entry, URI url, Path path) {
    this.entry = entry;
    this.url = url;
    this.path = path;
  }

  /**
   * @throws IllegalArgumentException naming the entry when it is neither an http(s) URL without
   *     credentials, query or fragment nor an absolute path
   */
  public static SourceLocation of(String entry) {
    String text = entry == null ? "" : entry.trim();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("an empty entry");
    }
    if (text.contains("://")) {
      URI url =
          parseUrl(text)
              .orElseThrow(
                  () -> new IllegalArgumentException("\"%s\" is not a valid URL".formatted(text)));
      if (!isHttp(url) || url.getHost() == null) {
        throw new IllegalArgumentException(
            "\"%s\": only http and https URLs with a host are trusted".formatted(text));
      }
      if (url.getRawUserInfo() != null || url.getRawQuery() != null) {
        throw new IllegalArgumentException(
            "an entry with credentials or a query: repository credentials go in the credentials"
                + " file, never in the list of trusted sources, which the worker logs");
      }
      return new SourceLocation(text, url.normalize(), null);
    }
    Path path = Path.of(text);
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("\"%s\" is not an absolute path".formatted(text));
    }
    return new SourceLocation(text, null, path.normalize());
  }

  /** A folder on the worker, as trusted by the worker's own set-up (its demo, its tests). */
  public static SourceLocation folder(Path folder) {
    return of(folder.toAbsolutePath().normalize().toString());
  }

  /**
   * Whether the reference (an http(s) URL or a path on the worker) is this location or below it.
   */
  public boolean covers(String reference) {
    String text = reference.trim();
    if (text.contains("://")) {
      return url != null && parseUrl(text).map(this::coversUrl).orElse(false);
    }
    return path != null && coversPath(Path.of(text));
  }

  private boolean coversUrl(URI candidate) {
    if (!isHttp(candidate)
        || candidate.getRawUserInfo() != null
        || candidate.getRawQuery() != null
        || candidate.getRawFragment() != null
        || candidate.getHost() == null) {
      return false;
    }
    URI c = candidate.normalize();
    if (ENCODED_OR_CLIMBING.matcher(rawPath(c)).find()) {
      return false;
    }
    return c.getScheme().equalsIgnoreCase(url.getScheme())
        && c.getHost().equalsIgnoreCase(url.getHost())
        && port(c) == port(url)
        && below(rawPath(c), rawPath(url));
  }

  private boolean coversPath(Path candidate) {
    Path absolute = candidate.toAbsolutePath().normalize();
    if (!absolute.startsWith(path)) {
      return false;
    }
    // A link inside a trusted folder may point anywhere: what counts is where it leads.
    if (Files.exists(absolute)) {
      try {
        Path real = absolute.toRealPath();
        Path trustedReal = Files.exists(path) ? path.toRealPath() : path;
        return real.startsWith(trustedReal);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private static boolean below(String candidate, String trusted) {
    String base = trusted.endsWith("/") ? trusted.substring(0, trusted.length() - 1) : trusted;
    return candidate.equals(base) || candidate.startsWith(base + "/");
  }

  private static String rawPath(URI uri) {
    return uri.getRawPath() == null ? "" : uri.getRawPath();
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  private static boolean isHttp(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("https") || scheme.equals("http");
  }

  private static Optional<URI> parseUrl(String text) {
    try {
      return Optional.of(new URI(text));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return entry;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceLocation other && other.entry.equals(entry);
  }

  @Override
  public int hashCode() {
    return entry.hashCode();
  }
}
