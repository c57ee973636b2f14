package org.gloomeshupgrade.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The form of the fields that name what the worker reads or runs: chart and CRD locations, agent
 * charts, values files and the meshctl binary. Whether the worker trusts a location is the worker's
 * own decision, made in the tooling step; here only what no worker should accept: URLs with
 * credentials (the request is kept in the history and echoed in logs), a query or fragment (signed
 * URLs carry tokens there), schemes other than http(s), and paths that climb out of a folder.
 */
final class SourceForms {
  private static final List<String> LOCATION_FIELDS = List.of("chart", "crdSource", "agentCharts");

  /** "..", and an encoded dot or slash, which some servers decode into a climb out of a folder. */
  private static final Pattern CLIMBING =
      Pattern.compile("(^|/)\\.\\.(/|$)|%2e|%2f|%5c|\\\\", Pattern.CASE_INSENSITIVE);

  private SourceForms() {}

  /** Adds a problem, naming the field, for each location, file or binary of a refused form. */
  static void check(JsonNode root, List<String> problems) {
    for (String field : LOCATION_FIELDS) {
      text(root, field).map(value -> location(field, value)).ifPresent(problems::add);
    }
    text(root, "meshctlPath")
        .map(
            path ->
                path.startsWith("/") && !CLIMBING.matcher(path).find()
                    ? null
                    : "meshctlPath: must be an absolute path on the worker without \"..\", got \"%s\""
                        .formatted(RequestLimits.quoted(path)))
        .ifPresent(problems::add);
    JsonNode files = root.get("helmValuesFiles");
    if (files != null && files.isArray()) {
      for (int i = 0; i < files.size(); i++) {
        String path = files.get(i).isTextual() ? files.get(i).asText().trim() : "";
        if (path.contains("://") || CLIMBING.matcher(path).find()) {
          problems.add(
              "helmValuesFiles[%d]: must be a path on the worker without \"..\", not a URL, got \"%s\""
                  .formatted(i, RequestLimits.quoted(redacted(path))));
        }
      }
    }
  }

  private static Optional<String> text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node != null && node.isTextual() && !node.asText().isBlank()
        ? Optional.of(node.asText().trim())
        : Optional.empty();
  }

  /** The problem with a chart, CRD or agent chart location, or null. */
  private static String location(String field, String value) {
    if (!value.contains(":")) {
      return CLIMBING.matcher(value).find()
          ? "%s: a path on the worker must not hold \"..\", got \"%s\""
              .formatted(field, RequestLimits.quoted(value))
          : null;
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      return "%s: not a valid URL (%s)".formatted(field, e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return "%s: only http and https URLs or paths on the worker are read, got scheme \"%s\""
          .formatted(field, RequestLimits.quoted(scheme));
    }
    if (uri.getRawUserInfo() != null) {
      return """
          %s: a URL with credentials is refused (%s): a request is kept in the workflow's \
          history; give the worker the repository's credentials instead (docs/operating.md, \
          trusted sources)"""
          .formatted(field, redacted(value));
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "%s: a URL with a query or fragment is refused (%s): tokens travel there"
          .formatted(field, redacted(value));
    }
    if (uri.getHost() == null) {
      return "%s: the URL names no host".formatted(field);
    }
    if (CLIMBING.matcher(uri.getRawPath() == null ? "" : uri.getRawPath()).find()) {
      return "%s: the URL's path must not hold \"..\" or an encoded dot, slash or backslash"
          .formatted(field);
    }
    return null;
  }

  /** The value with anything between "://" and "@", and after "?" or "#", hidden. */
  static String redacted(String value) {
    String shown = value.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1***@");
    int cut = indexOfAny(shown, '?', '#');
    return cut < 0 ? shown : shown.substring(0, cut) + "?***";
  }

  private static int indexOfAny(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }
}
