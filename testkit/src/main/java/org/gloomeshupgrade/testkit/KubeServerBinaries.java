package org.gloomeshupgrade.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the real {@code kube-apiserver}, {@code etcd}, {@code kube-controller-manager}, {@code
 * kube-scheduler} and {@code kwok} (with its stages) are: the folder {@code
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

  private static final List<String> BINARIES =
      List.of("kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler", "kwok");

  /** The stages kwok plays for nodes and pods, written by the install script beside kwok. */
  private static final String KWOK_STAGES = "kwok-stages.yaml";

  /** Why the real API-server backend cannot run here, or empty when everything is present. */
  public static Optional<String> missing() {
    for (String binary : BINARIES) {
      Path path = folder().resolve(binary);
      if (!Files.isExecutable(path)) {
        return Optional.of("no %s at %s: %s".formatted(binary, path, INSTALL_HINT));
      }
    }
    Path stages = folder().resolve(KWOK_STAGES);
    if (!Files.isRegularFile(stages)) {
      return Optional.of("no kwok stages at %s: %s".formatted(stages, INSTALL_HINT));
    }
    return Optional.empty();
  }

  /**
   * For tests: true when every binary is there. When they are not, false lets a developer's run
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

  static Path kubeControllerManager() {
    return require("kube-controller-manager");
  }

  static Path kubeScheduler() {
    return require("kube-scheduler");
  }

  static Path kwok() {
    return require("kwok");
  }

  static Path kwokStages() {
    return require(KWOK_STAGES);
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
