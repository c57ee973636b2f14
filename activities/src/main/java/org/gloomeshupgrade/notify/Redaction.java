package org.gloomeshupgrade.notify;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Belt and braces: messages are built from our own words, and this takes out any URL or token that
 * slipped in anyway (a receiver that echoes the request's path in its error page) before a message
 * reaches a log or a workflow's history.
 */
final class Redaction {
  static final String MARK = "[redacted]";

  /** Shorter parts of a URL are too common to scrub without mangling the message. */
  private static final int SHORTEST_URL_PART = 8;

  private Redaction() {}

  static String scrub(String text, Collection<String> secrets) {
    String scrubbed = text;
    // Longest first, so that a URL goes whole before its path is looked for.
    List<String> ordered =
        secrets.stream()
            .filter(s -> s != null && !s.isBlank())
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
    for (String secret : ordered) {
      // As sent, and as a receiver may echo it: JSON-escaped or percent-encoded.
      for (String form :
          List.of(
              secret,
              secret.replace("/", "\\/"),
              URLEncoder.encode(secret, StandardCharsets.UTF_8))) {
        scrubbed = scrubbed.replace(form, MARK);
      }
    }
    return scrubbed;
  }

  /** The URL and the parts of it that may be secret on their own: path, query, all after "//". */
  static List<String> partsOf(String url) {
    List<String> parts = new ArrayList<>();
    parts.add(url);
    int authority = url.indexOf("//");
    if (authority >= 0) {
      parts.add(url.substring(authority + 2));
    }
    try {
      URI uri = URI.create(url);
      addIfLong(parts, uri.getRawPath());
      addIfLong(parts, uri.getPath());
      addIfLong(parts, uri.getRawQuery());
      if (uri.getRawUserInfo() != null && !uri.getRawUserInfo().isEmpty()) {
        parts.add(uri.getRawUserInfo());
      }
    } catch (IllegalArgumentException notAUri) {
      // The whole text is scrubbed already.
    }
    return parts;
  }

  private static void addIfLong(List<String> parts, String part) {
    if (part != null && part.length() >= SHORTEST_URL_PART) {
      parts.add(part);
    }
  }
}
