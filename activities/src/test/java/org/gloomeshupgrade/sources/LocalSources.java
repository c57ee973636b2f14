package org.gloomeshupgrade.sources;

import java.nio.file.Path;

/**
 * Trust for tests about something else than trust: every path on this machine, as charts, CRDs,
 * agent charts, values and binaries, besides the defaults. TrustedSourcesTest and the end-to-end
 * tests hold the real rules.
 */
public final class LocalSources {
  private LocalSources() {}

  public static TrustedSources anyLocalPath() {
    Path root = Path.of("/");
    return TrustedSources.defaults().withFolder(root).withBinary(root);
  }

  /** The same and a test's own HTTP server, as a chart repository and a CRD source. */
  public static TrustedSources anyLocalPathAnd(String url) {
    return anyLocalPath().withChart(url).withCrdSource(url);
  }
}
