package org.gloomeshupgrade.notify;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The address of a run's history in the Temporal UI. */
final class TemporalUiLink {
  private TemporalUiLink() {}

  /**
   * @param base the Temporal UI, without a trailing slash
   * @return {@code <base>/namespaces/<namespace>/workflows/<workflow ID>/<run ID>/history}, each ID
   *     encoded as a path segment; "" when an ID is missing
   */
  static String of(String base, String namespace, String workflowId, String runId) {
    if (isBlank(namespace) || isBlank(workflowId) || isBlank(runId)) {
      return "";
    }
    return "%s/namespaces/%s/workflows/%s/%s/history"
        .formatted(base, segment(namespace), segment(workflowId), segment(runId));
  }

  private static String segment(String text) {
    // URLEncoder encodes for forms, where a space is "+"; in a path it is "%20".
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
