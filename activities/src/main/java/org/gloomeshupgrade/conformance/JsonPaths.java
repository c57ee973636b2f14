package org.gloomeshupgrade.conformance;

import java.util.regex.Pattern;

/**
 * Paths into an object as the conformance report writes them: {@code $.spec.retries.attempts},
 * {@code $.spec.filters[0].rootId}, {@code $.spec.labels['app.kubernetes.io/name']}. One format for
 * every problem, whether the schema validator or the pruning walk found it.
 */
final class JsonPaths {
  static final String ROOT = "$";
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private JsonPaths() {}

  static String field(String parent, String key) {
    return parent
        + (PLAIN_KEY.matcher(key).matches()
            ? "." + key
            : "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']");
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /**
   * The path without its leading {@code $.}, as a problem text names the field: {@code
   * spec.retries}.
   */
  static String name(String path) {
    if (path.startsWith(ROOT + ".")) {
      return path.substring(2);
    }
    return path.startsWith(ROOT) && path.length() > 1 ? path.substring(1) : path;
  }
}
