package org.gloomeshupgrade.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig with one context, mgmt, whose API server never answers: for start-up tests. */
final class UnreachableKubeconfig {
  private UnreachableKubeconfig() {}

  static Path write(Path dir) throws IOException {
    return Files.writeString(
        dir.resolve("kubeconfig"),
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: mgmt, cluster: {server: "https://127.0.0.1:1"}}]
        users: [{name: ops, user: {token: unused}}]
        contexts: [{name: mgmt, context: {cluster: mgmt, user: ops}}]
        current-context: mgmt
        """);
  }
}
