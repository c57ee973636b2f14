package org.gloomeshupgrade.cli;

import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.gloomeshupgrade.kube.KubernetesClients;

/**
 * Reads the current-context of the local kubeconfig, to derive a workflow ID when none is given.
 */
final class Kubeconfigs {
  private Kubeconfigs() {}

  static Optional<String> currentContext() {
    Path path = KubernetesClients.defaultKubeconfig();
    if (!Files.isReadable(path)) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(
              KubeConfigUtils.parseConfigFromString(Files.readString(path)).getCurrentContext())
          .filter(s -> !s.isBlank());
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
