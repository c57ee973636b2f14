package org.gloomeshupgrade.registration;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Scrubs what a tool printed before it reaches a log, a result or a failure. meshctl reads a
 * service-account token and writes it into a kubeconfig Secret; none of its versions is known to
 * print it, but a verbose or failing run could echo a request body, so anything shaped like a
 * credential is cut out whatever its source.
 */
final class ToolOutput {
  private static final String REDACTED = "[redacted]";

  /**
   * Service-account tokens are JWTs: three base64url parts, the first always starting {"alg... →
   * eyJ.
   */
  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}(?:\\.[A-Za-z0-9_-]*)?");

  /** kubeconfig and Secret fields that hold credentials, in YAML, JSON or key=value form. */
  private static final Pattern CREDENTIAL_FIELD =
      Pattern.compile(
          "(?i)(\"?(?:token|password|client-key-data|client-certificate-data|kubeconfig)\"?\\s*[:=]\\s*\"?)[^\\s\",}]+");

  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)\\S+");

  /**
   * Long base64 runs: an encoded token, kubeconfig or key. Names, URLs and versions are far
   * shorter.
   */
  private static final Pattern LONG_BASE64 = Pattern.compile("[A-Za-z0-9+/_-]{64,}={0,2}");

  private static final List<Pattern> WHOLE = List.of(JWT, LONG_BASE64);

  private ToolOutput() {}

  static String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = CREDENTIAL_FIELD.matcher(text).replaceAll("$1" + REDACTED);
    out = BEARER.matcher(out).replaceAll("$1" + REDACTED);
    for (Pattern p : WHOLE) {
      out = p.matcher(out).replaceAll(REDACTED);
    }
    return out;
  }
}
