package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a kubeconfig whose contexts point at mock API servers, so tests go through the same {@link
 * KubernetesClients} the worker uses.
 */
public final class MockKubeconfig {
  private final Map<String, String> servers = new LinkedHashMap<>();

  public static MockKubeconfig context(String name, KubernetesClient mock) {
    return new MockKubeconfig().with(name, mock);
  }

  public MockKubeconfig with(String name, KubernetesClient mock) {
    return with(name, mock.getConfiguration().getMasterUrl());
  }

  public MockKubeconfig with(String name, String masterUrl) {
    servers.put(
        name, masterUrl.endsWith("/") ? masterUrl.substring(0, masterUrl.length() - 1) : masterUrl);
    return this;
  }

  /** Writes the kubeconfig into the folder; the first context is the current one. */
  public Path write(Path folder) {
    ConfigBuilder config =
        new ConfigBuilder()
            .withApiVersion("v1")
            .withKind("Config")
            .withCurrentContext(servers.keySet().iterator().next());
    servers.forEach(
        (name, url) ->
            config
                .addNewCluster()
                .withName(name)
                .withNewCluster()
                .withServer(url)
                // the mock serves a self-signed certificate
                .withInsecureSkipTlsVerify(url.startsWith("https:") ? Boolean.TRUE : null)
                .endCluster()
                .endCluster()
                .addNewContext()
                .withName(name)
                .withNewContext()
                .withCluster(name)
                .withUser(name)
                .withNamespace("default")
                .endContext()
                .endContext()
                .addNewUser()
                .withName(name)
                .withNewUser()
                .withToken("test-token-" + name)
                .endUser()
                .endUser());
    Config built = config.build();
    Path file = folder.resolve("kubeconfig-" + String.join("-", servers.keySet()));
    try {
      Files.writeString(file, Serialization.asYaml(built));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  public KubernetesClients clients(Path folder) {
    return new KubernetesClients(write(folder), null);
  }
}
