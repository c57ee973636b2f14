package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.temporal.failure.ApplicationFailure;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.gloomeshupgrade.workflow.FailureTypes;

/**
 * One Kubernetes client per kubeconfig context, from the worker's kubeconfig. Workflows name
 * clusters by context only; the credentials stay here, in the worker.
 */
public final class KubernetesClients implements AutoCloseable {
  private final Path kubeconfig;
  private final String kubeconfigContents;
  private final String defaultContext;
  private final List<String> contexts;
  private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();
  private final Map<String, KubernetesClient> patientClients = new ConcurrentHashMap<>();

  /**
   * @param kubeconfig the kubeconfig file
   * @param defaultContext the context for requests that name none; null for the file's
   *     current-context
   */
  public KubernetesClients(Path kubeconfig, String defaultContext) {
    this.kubeconfig = Objects.requireNonNull(kubeconfig, "kubeconfig");
    try {
      this.kubeconfigContents = Files.readString(kubeconfig);
      io.fabric8.kubernetes.api.model.Config parsed =
          KubeConfigUtils.parseConfigFromString(kubeconfigContents);
      this.contexts =
          parsed.getContexts() == null
              ? List.of()
              : parsed.getContexts().stream().map(NamedContext::getName).toList();
      String current = parsed.getCurrentContext();
      this.defaultContext =
          defaultContext != null && !defaultContext.isBlank() ? defaultContext : current;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
    }
    if (this.defaultContext == null || this.defaultContext.isBlank()) {
      throw new IllegalArgumentException(
          "kubeconfig "
              + kubeconfig
              + " has no current-context; name the management context (--context or GMU_KUBE_CONTEXT)");
    }
    if (!contexts.contains(this.defaultContext)) {
      throw new IllegalArgumentException(
          "kubeconfig "
              + kubeconfig
              + " has no context \""
              + this.defaultContext
              + "\"; it has "
              + contexts);
    }
  }

  /** The kubeconfig's default location: $KUBECONFIG (first entry), else ~/.kube/config. */
  public static Path defaultKubeconfig() {
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isBlank()) {
      return Path.of(env.split(File.pathSeparator)[0]);
    }
    return Path.of(System.getProperty("user.home"), ".kube", "config");
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public List<String> contexts() {
    return contexts;
  }

  /** The context a request means: "" or null is the worker's default context. */
  public String resolve(String context) {
    String name = context == null || context.isBlank() ? defaultContext : context;
    if (!contexts.contains(name)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "kubeconfig context \""
              + name
              + "\" is not in the worker's kubeconfig (it has "
              + contexts
              + "). Name a context the worker knows, or add it to the worker's kubeconfig.",
          FailureTypes.UNKNOWN_CONTEXT);
    }
    return name;
  }

  /** A client for the context; refuses a context the kubeconfig does not have. */
  public KubernetesClient forContext(String context) {
    String name = resolve(context);
    return clients.computeIfAbsent(name, this::build);
  }

  /**
   * A client for the context whose requests may take {@code requestTimeout} instead of fabric8's 10
   * s: for requests the API server works on long, such as a collection delete of many objects.
   */
  public KubernetesClient forContext(String context, Duration requestTimeout) {
    String name = resolve(context);
    return patientClients.computeIfAbsent(
        name + "/" + requestTimeout.toMillis(), k -> build(name, requestTimeout));
  }

  private KubernetesClient build(String context) {
    return build(context, null);
  }

  private KubernetesClient build(String context, Duration requestTimeout) {
    Config config = Config.fromKubeconfig(context, kubeconfigContents, kubeconfig.toString());
    // fabric8 falls back to the current context when the named one is missing: never accept that.
    String got = config.getCurrentContext() == null ? null : config.getCurrentContext().getName();
    if (!context.equals(got)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "kubeconfig context \"" + context + "\" could not be loaded (got \"" + got + "\")",
          FailureTypes.UNKNOWN_CONTEXT);
    }
    // Temporal's retry policy, visible in the workflow
    // history, decides about retries; not the client.
    ConfigBuilder tuned = new ConfigBuilder(config).withRequestRetryBackoffLimit(0);
    if (requestTimeout != null) {
      tuned.withRequestTimeout((int) requestTimeout.toMillis());
    }
    return new KubernetesClientBuilder().withConfig(tuned.build()).build();
  }

  @Override
  public void close() {
    clients.values().forEach(KubernetesClient::close);
    clients.clear();
    patientClients.values().forEach(KubernetesClient::close);
    patientClients.clear();
  }
}
