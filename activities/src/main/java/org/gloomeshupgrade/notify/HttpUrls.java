package org.gloomeshupgrade.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks the URLs of destinations and of the Temporal UI. Problems are described without the URL:
 * it may be a secret, or carry one in its path or query.
 */
final class HttpUrls {
  private HttpUrls() {}

  /**
   * @param inline whether the URL is written in the notifications file, where user-info (a
   *     password) would be a secret in plain sight
   * @return what is wrong with {@code text}, or empty when it is a usable http(s) URL
   */
  static Optional<String> problem(String text, boolean inline) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      return Optional.of("not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("not an http or https URL");
    }
    if (uri.getHost() == null) {
      return Optional.of("an http or https URL without a host");
    }
    if (inline && uri.getRawUserInfo() != null) {
      return Optional.of(
          "a URL with user-info (user:password@) is a secret: give it as urlFile or urlEnv, or the"
              + " credentials as tokenFile or tokenEnv");
    }
    return Optional.empty();
  }

  /** The URI of a URL {@link #problem} found nothing wrong with; empty otherwise. */
  static Optional<URI> parse(String text) {
    if (problem(text, false).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(URI.create(text.strip()));
  }
}
