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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.gloomeshupgrade.workflow.FailureTypes;

/**
 * One Kubernetes client per kubeconfig context, from the worker's kubeconfig, and, in a pod, one
 * for the cluster the worker runs in under a context name of the operator's choosing. Workflows
 * name clusters by context only; the credentials stay here, in the worker.
 */
public final class KubernetesClients implements AutoCloseable {
  private final Path kubeconfig;
  private final String kubeconfigContents;
  private final String inClusterContext;
  private final InClusterAccess inCluster;
  private final Path inClusterKubeconfig;
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
    this(kubeconfig, defaultContext, null);
  }

  /**
   * @param kubeconfig the kubeconfig file; null when the worker reaches only its own cluster
   * @param defaultContext the context for requests that name none; null for the in-cluster context
   *     if there is one, else the file's current-context
   * @param inClusterContext the name requests use for the cluster the worker's pod runs in, reached
   *     with the pod's service account; null for none
   */
  public KubernetesClients(Path kubeconfig, String defaultContext, String inClusterContext) {
    this.kubeconfig = kubeconfig;
    this.inClusterContext =
        inClusterContext == null || inClusterContext.isBlank() ? null : inClusterContext;
    if (kubeconfig == null && this.inClusterContext == null) {
      throw new IllegalArgumentException(
          "no clusters: give a kubeconfig (--kubeconfig or GMU_KUBECONFIG) or, in a pod, an"
              + " in-cluster context (--in-cluster-context or GMU_IN_CLUSTER_CONTEXT)");
    }
    List<String> known = new ArrayList<>();
    String current = null;
    if (kubeconfig != null) {
      try {
        this.kubeconfigContents = Files.readString(kubeconfig);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
      }
      io.fabric8.kubernetes.api.model.Config parsed =
          KubeConfigUtils.parseConfigFromString(kubeconfigContents);
      if (parsed.getContexts() != null) {
        parsed.getContexts().stream().map(NamedContext::getName).forEach(known::add);
      }
      current = parsed.getCurrentContext();
    } else {
      this.kubeconfigContents = null;
    }
    if (this.inClusterContext != null) {
      if (known.contains(this.inClusterContext)) {
        throw new IllegalArgumentException(
            "in-cluster context \"%s\" is also a context of kubeconfig %s: give it another name"
                .formatted(this.inClusterContext, kubeconfig));
      }
      this.inCluster = InClusterAccess.fromPod(this.inClusterContext);
      this.inClusterKubeconfig = writeInClusterKubeconfig(inCluster, this.inClusterContext);
      known.add(this.inClusterContext);
    } else {
      this.inCluster = null;
      this.inClusterKubeconfig = null;
    }
    this.contexts = List.copyOf(known);
    if (defaultContext != null && !defaultContext.isBlank()) {
      this.defaultContext = defaultContext;
    } else {
      this.defaultContext = this.inClusterContext != null ? this.inClusterContext : current;
    }
    if (this.defaultContext == null || this.defaultContext.isBlank()) {
      throw new IllegalArgumentException(
          "kubeconfig "
              + kubeconfig
              + " has no current-context; name the management context (--context or GMU_KUBE_CONTEXT)");
    }
    if (!contexts.contains(this.defaultContext)) {
      throw new IllegalArgumentException(
          "the worker has no context \"%s\"; it has %s".formatted(this.defaultContext, contexts));
    }
  }

  private static Path writeInClusterKubeconfig(InClusterAccess access, String context) {
    try {
      Path file =
          Files.createTempFile(
              "gmu-in-cluster-",
              ".kubeconfig",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      file.toFile().deleteOnExit();
      Files.writeString(file, access.kubeconfigYaml(context));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the in-cluster kubeconfig", e);
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

  /**
   * The worker's kubeconfig; with only the in-cluster context, a kubeconfig describing that one by
   * the files of the pod's service account.
   */
  public Path kubeconfig() {
    return kubeconfig != null ? kubeconfig : inClusterKubeconfig;
  }

  /** The kubeconfig file that holds the context, for tools that read one (Helm). */
  public Path kubeconfigFor(String context) {
    return resolve(context).equals(inClusterContext) ? inClusterKubeconfig : kubeconfig;
  }

  /**
   * Every kubeconfig file the worker knows, as a {@code KUBECONFIG} value for tools that merge them
   * (meshctl).
   */
  public String kubeconfigSearchPath() {
    List<String> files = new ArrayList<>();
    if (kubeconfig != null) {
      files.add(kubeconfig.toAbsolutePath().toString());
    }
    if (inClusterKubeconfig != null) {
      files.add(inClusterKubeconfig.toAbsolutePath().toString());
    }
    return String.join(File.pathSeparator, files);
  }

  /** The context requests use for the worker's own cluster, or null. */
  public String inClusterContext() {
    return inClusterContext;
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
    boolean own = context.equals(inClusterContext);
    Config config =
        own
            ? inCluster.fabric8Config()
            : Config.fromKubeconfig(context, kubeconfigContents, kubeconfig.toString());
    // fabric8 falls back to the current context when the named one is missing: never accept that.
    String got = config.getCurrentContext() == null ? null : config.getCurrentContext().getName();
    if (!own && !context.equals(got)) {
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
    if (inClusterKubeconfig != null) {
      try {
        Files.deleteIfExists(inClusterKubeconfig);
      } catch (IOException e) {
        // deleteOnExit tries again
      }
    }
  }
}
