package org.gloomeshupgrade.testkit;

import static org.gloomeshupgrade.testkit.Json.map;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Writes kubeconfig files: one context per entry, named after it, with the cluster and user of the
 * same name, the first one current. Every server is trusted through the same CA.
 */
final class KubeconfigYaml {

  /** One context: a server and the bearer token to send it. */
  record Entry(String name, String server, String token) {}

  private KubeconfigYaml() {}

  static String of(List<Entry> entries, String caPem) {
    List<Object> clusters = new ArrayList<>();
    List<Object> contexts = new ArrayList<>();
    List<Object> users = new ArrayList<>();
    String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8));
    for (Entry entry : entries) {
      clusters.add(
          map(
              "name",
              entry.name(),
              "cluster",
              map("server", entry.server(), "certificate-authority-data", ca)));
      contexts.add(
          map("name", entry.name(), "context", map("cluster", entry.name(), "user", entry.name())));
      users.add(map("name", entry.name(), "user", map("token", entry.token())));
    }
    return Json.toYaml(
        map(
            "apiVersion",
            "v1",
            "kind",
            "Config",
            "clusters",
            clusters,
            "contexts",
            contexts,
            "users",
            users,
            "current-context",
            entries.get(0).name(),
            "preferences",
            map()));
  }
}
