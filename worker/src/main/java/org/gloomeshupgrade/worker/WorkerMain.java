package org.gloomeshupgrade.worker;

import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.gloomeshupgrade.backup.BackupActivitiesImpl;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.sources.TrustedSourcesFile;
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
      defaultValue = "${env:TEMPORAL_ADDRESS:-127.0.0.1:7233}",
      description = "Temporal frontend host:port (env TEMPORAL_ADDRESS; default ${DEFAULT-VALUE}).")
  String temporalAddress;

  @Option(
      names = "--temporal-namespace",
      defaultValue = "${env:TEMPORAL_NAMESPACE:-default}",
      description = "Temporal namespace (env TEMPORAL_NAMESPACE; default ${DEFAULT-VALUE}).")
  String temporalNamespace;

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

  public static void main(String[] args) {
    System.exit(new CommandLine(new WorkerMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    Path config = kubeconfig != null ? kubeconfig : KubernetesClients.defaultKubeconfig();
    if (!Files.isReadable(config)) {
      System.err.println(
          "error: kubeconfig " + config + " is not readable: give --kubeconfig or GMU_KUBECONFIG");
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
    UpgradeWorker worker;
    try {
      worker =
          UpgradeWorker.start(
              new WorkerSettings(
                  temporalAddress,
                  temporalNamespace,
                  taskQueue,
                  config,
                  context,
                  backupDir,
                  backupsKept,
                  trusted));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    } catch (StatusRuntimeException e) {
      System.err.println(
          "error: cannot reach Temporal at "
              + temporalAddress
              + " ("
              + e.getStatus().getCode()
              + "): check --temporal-address / TEMPORAL_ADDRESS and that the namespace "
              + temporalNamespace
              + " exists");
      return 3;
    }
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
