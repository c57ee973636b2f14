package org.gloomeshupgrade.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the real {@code kube-apiserver} and {@code etcd} are: the folder {@code
 * scripts/install-kube-servers.sh} prints, given in {@code GMU_KUBE_SERVERS} (as {@code .ci/run}
 * does), else that script's default cache folder.
 */
public final class KubeServerBinaries {

  public static final String ENVIRONMENT_VARIABLE = "GMU_KUBE_SERVERS";
  public static final String INSTALL_HINT =
      "run scripts/install-kube-servers.sh and pass the folder it prints in "
          + ENVIRONMENT_VARIABLE;

  private KubeServerBinaries() {}

  public static Path folder() {
    String given = System.getenv(ENVIRONMENT_VARIABLE);
    if (given != null && !given.isBlank()) {
      return Path.of(given);
    }
    String tools = System.getenv("GMU_TOOLS");
    Path base =
        tools != null && !tools.isBlank()
            ? Path.of(tools)
            : Path.of(System.getProperty("user.home"), ".cache", "gloo-mesh-upgrade", "tools");
    return base.resolve("kube-servers");
  }

  /** Why the real API-server backend cannot run here, or empty when both binaries are present. */
  public static Optional<String> missing() {
    for (String binary : new String[] {"kube-apiserver", "etcd"}) {
      Path path = folder().resolve(binary);
      if (!Files.isExecutable(path)) {
        return Optional.of("no " + binary + " at " + path + ": " + INSTALL_HINT);
      }
    }
    return Optional.empty();
  }

  /**
   * For tests: true when both binaries are there. When they are not, false lets a developer's run
   * skip the real-server tests, but where {@value #ENVIRONMENT_VARIABLE} names a folder (CI does)
   * they are required, and this fails instead, so a broken install cannot pass as skipped tests.
   */
  public static boolean available() {
    Optional<String> missing = missing();
    String given = System.getenv(ENVIRONMENT_VARIABLE);
    if (missing.isPresent() && given != null && !given.isBlank()) {
      throw new IllegalStateException(missing.get());
    }
    return missing.isEmpty();
  }

  static Path kubeApiserver() {
    return require("kube-apiserver");
  }

  static Path etcd() {
    return require("etcd");
  }

  private static Path require(String binary) {
    missing()
        .ifPresent(
            reason -> {
              throw new IllegalStateException(reason);
            });
    return folder().resolve(binary);
  }
}
