package org.gloomeshupgrade.worker;

import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.gloomeshupgrade.backup.BackupActivitiesImpl;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.metrics.WorkerEndpoints;
import org.gloomeshupgrade.metrics.WorkerMetrics;
import org.gloomeshupgrade.notify.NotificationSettings;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.sources.TrustedSourcesFile;
import org.gloomeshupgrade.temporal.TemporalConnection;
import org.gloomeshupgrade.temporal.TemporalConnectionOptions;
import org.gloomeshupgrade.temporal.TemporalRefusals;
import org.gloomeshupgrade.workflow.UpgradeNames;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The standalone worker process: {@code java -jar gloo-mesh-upgrade-worker.jar}. */
@Command(
    name = "gloo-mesh-upgrade-worker",
    mixinStandardHelpOptions = true,
    description =
        "Runs the Gloo Mesh upgrade workflow and its activities. Stops gracefully on SIGTERM.")
public final class WorkerMain implements Callable<Integer> {
  @Option(
      names = "--temporal-address",
      description =
          "Temporal frontend host:port (default: TEMPORAL_ADDRESS, the profile, else 127.0.0.1:7233).")
  String temporalAddress;

  @Option(
      names = "--temporal-namespace",
      description = "Temporal namespace (default: TEMPORAL_NAMESPACE, the profile, else default).")
  String temporalNamespace;

  @Option(
      names = "--temporal-profile",
      description =
          "Profile in the Temporal profile file (default: TEMPORAL_PROFILE, else default).")
  String temporalProfile;

  @Option(
      names = "--temporal-config-file",
      description =
          "Temporal profile file, temporal.toml (default: TEMPORAL_CONFIG_FILE, else"
              + " ~/.config/temporalio/temporal.toml when there).")
  Path temporalConfigFile;

  @Option(
      names = "--temporal-api-key-file",
      defaultValue = "${env:GMU_TEMPORAL_API_KEY_FILE}",
      description =
          "File holding the Temporal API key, read again when it changes, as a mounted Secret"
              + " (env GMU_TEMPORAL_API_KEY_FILE; TEMPORAL_API_KEY gives the key itself). Turns TLS on.")
  Path temporalApiKeyFile;

  @Option(
      names = "--temporal-tls",
      negatable = true,
      description =
          "TLS to Temporal (default: TEMPORAL_TLS, the profile, else on with an API key or a client"
              + " certificate).")
  Boolean temporalTls;

  @Option(
      names = "--temporal-tls-cert",
      description = "Client certificate for mTLS, PEM (default: TEMPORAL_TLS_CLIENT_CERT_PATH).")
  Path temporalTlsCert;

  @Option(
      names = "--temporal-tls-key",
      description = "Its private key, PEM (default: TEMPORAL_TLS_CLIENT_KEY_PATH).")
  Path temporalTlsKey;

  @Option(
      names = "--temporal-tls-ca",
      description =
          "CA of the server's certificate, PEM, when not a public one (default:"
              + " TEMPORAL_TLS_SERVER_CA_CERT_PATH).")
  Path temporalTlsCa;

  @Option(
      names = "--temporal-tls-server-name",
      description =
          "Name on the server's certificate, when not the address's host (default:"
              + " TEMPORAL_TLS_SERVER_NAME).")
  String temporalTlsServerName;

  @Option(
      names = "--no-search-attribute-setup",
      description =
          "Do not check or add the namespace's search attributes at start-up: for a worker without"
              + " operator rights, as on Temporal Cloud, once they were added there.")
  boolean noSearchAttributeSetup;

  @Option(
      names = "--task-queue",
      defaultValue = "${env:GMU_TASK_QUEUE:-" + UpgradeNames.TASK_QUEUE + "}",
      description = "Task queue (env GMU_TASK_QUEUE; default ${DEFAULT-VALUE}).")
  String taskQueue;

  @Option(
      names = "--kubeconfig",
      defaultValue = "${env:GMU_KUBECONFIG}",
      description =
          "Kubeconfig with a context per cluster (env GMU_KUBECONFIG; default $KUBECONFIG or ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--context",
      defaultValue = "${env:GMU_KUBE_CONTEXT}",
      description =
          "Management cluster context for requests that name none (env GMU_KUBE_CONTEXT; "
              + "default the kubeconfig's current-context).")
  String context;

  @Option(
      names = "--in-cluster-context",
      defaultValue = "${env:GMU_IN_CLUSTER_CONTEXT}",
      description =
          "In a pod: the context name requests use for the cluster the pod runs in, reached with"
              + " the pod's service account; then the kubeconfig is optional and holds the other"
              + " clusters (env GMU_IN_CLUSTER_CONTEXT).")
  String inClusterContext;

  @Option(
      names = "--metrics-port",
      defaultValue = "${env:GMU_METRICS_PORT}",
      description =
          "Port serving /metrics (Prometheus), /livez and /readyz on every interface (env"
              + " GMU_METRICS_PORT; default: none served).")
  Integer metricsPort;

  @Option(
      names = "--backup-dir",
      defaultValue = "${env:GMU_BACKUP_DIR}",
      description =
          "Folder on the worker that also keeps each run's backup (env GMU_BACKUP_DIR; default: only the"
              + " Secrets on the management cluster).")
  Path backupDir;

  @Option(
      names = "--backups-kept",
      defaultValue = "${env:GMU_BACKUPS_KEPT:-" + BackupActivitiesImpl.DEFAULT_KEEP + "}",
      description =
          "How many backups to keep per management cluster, the newest; older ones are removed"
              + " after each new backup, 0 keeps all (env GMU_BACKUPS_KEPT; default ${DEFAULT-VALUE}).")
  int backupsKept;

  @Option(
      names = "--trusted-sources",
      defaultValue = "${env:GMU_TRUSTED_SOURCES}",
      description =
          "YAML file of the chart repositories and folders, CRD sources, agent chart locations,"
              + " values-file folders and binaries requests may name (env GMU_TRUSTED_SOURCES;"
              + " default: the public Gloo Mesh repositories, values files in "
              + "/etc/gloo-mesh-upgrade/values, meshctl from the PATH only).")
  Path trustedSources;

  @Option(
      names = "--notifications",
      defaultValue = "${env:GMU_NOTIFICATIONS}",
      description =
          "YAML or JSON file of the destinations runs tell at their gates and ends: Slack incoming"
              + " webhooks and JSON webhooks, their URLs and tokens read from files or the"
              + " environment (env GMU_NOTIFICATIONS; default: none, see docs/notifications.md).")
  Path notificationsFile;

  TemporalConnectionOptions temporalOptions() {
    return new TemporalConnectionOptions(
        temporalAddress,
        temporalNamespace,
        temporalProfile,
        temporalConfigFile,
        temporalApiKeyFile,
        temporalTls,
        temporalTlsCert,
        temporalTlsKey,
        temporalTlsCa,
        temporalTlsServerName);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new WorkerMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    boolean inCluster = inClusterContext != null && !inClusterContext.isBlank();
    Path config = kubeconfig;
    if (config == null && !inCluster) {
      config = KubernetesClients.defaultKubeconfig();
    }
    if (config != null && !Files.isReadable(config)) {
      System.err.println(
          "error: kubeconfig %s is not readable: give --kubeconfig or GMU_KUBECONFIG, or in a pod"
                  .formatted(config)
              + " --in-cluster-context (GMU_IN_CLUSTER_CONTEXT)");
      return 2;
    }
    TrustedSources trusted;
    try {
      trusted =
          trustedSources == null
              ? TrustedSources.defaults()
              : TrustedSourcesFile.read(trustedSources);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    NotificationSettings notifications;
    try {
      notifications =
          notificationsFile == null
              ? NotificationSettings.none()
              : NotificationSettings.load(notificationsFile);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    TemporalConnection temporal;
    try {
      temporal = temporalOptions().resolve();
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    WorkerMetrics metrics = metricsPort == null ? null : WorkerMetrics.create();
    AtomicReference<UpgradeWorker> started = new AtomicReference<>();
    if (metrics != null) {
      // Served before the connection to Temporal, so that a pod that cannot connect is alive and
      // not ready, and says why.
      WorkerEndpoints.start(
          metricsPort,
          metrics,
          () -> {
            UpgradeWorker running = started.get();
            return running == null
                ? Optional.of("starting: connecting to Temporal")
                : running.notReadyBecause();
          });
    }
    UpgradeWorker worker;
    try {
      worker =
          UpgradeWorker.start(
              new WorkerSettings(
                  temporal,
                  taskQueue,
                  config,
                  context,
                  inCluster ? inClusterContext : null,
                  backupDir,
                  backupsKept,
                  trusted,
                  !noSearchAttributeSetup,
                  notifications),
              metrics);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    } catch (StatusRuntimeException e) {
      System.err.println("error: " + TemporalRefusals.explain(temporal, e));
      return 3;
    }
    started.set(worker);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.close();
                  stopped.countDown();
                },
                "worker-shutdown"));
    stopped.await();
    return 0;
  }
}
