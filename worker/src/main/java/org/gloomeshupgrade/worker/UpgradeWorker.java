package org.gloomeshupgrade.worker;

import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.backup.BackupActivitiesImpl;
import org.gloomeshupgrade.backup.GlooMeshBackupListWorkflowImpl;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflowImpl;
import org.gloomeshupgrade.conformance.ConformanceActivitiesImpl;
import org.gloomeshupgrade.controlplane.ControlPlaneActivitiesImpl;
import org.gloomeshupgrade.controlplane.HelmSignals;
import org.gloomeshupgrade.crds.CrdActivitiesImpl;
import org.gloomeshupgrade.deployments.DeploymentActivitiesImpl;
import org.gloomeshupgrade.discovery.DiscoveryActivitiesImpl;
import org.gloomeshupgrade.fleet.FleetActivities;
import org.gloomeshupgrade.fleet.FleetActivitiesImpl;
import org.gloomeshupgrade.fleet.GlooMeshFleetWorkflowImpl;
import org.gloomeshupgrade.heartbeat.KeepAliveInterceptor;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.metrics.ActivityRetries;
import org.gloomeshupgrade.metrics.RunGauges;
import org.gloomeshupgrade.metrics.TemporalHealth;
import org.gloomeshupgrade.metrics.WorkerMetrics;
import org.gloomeshupgrade.notify.NotificationActivities;
import org.gloomeshupgrade.notify.NotificationActivitiesImpl;
import org.gloomeshupgrade.notify.NotificationSettings;
import org.gloomeshupgrade.notify.NotifyTestWorkflowImpl;
import org.gloomeshupgrade.preflight.PreflightActivitiesImpl;
import org.gloomeshupgrade.registration.RegistrationActivitiesImpl;
import org.gloomeshupgrade.resume.ResumeActivities;
import org.gloomeshupgrade.resume.ResumeActivitiesImpl;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.temporal.TemporalConnection;
import org.gloomeshupgrade.verify.VerifyActivitiesImpl;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflowImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running worker: the upgrade workflow and every activity, on one task queue. */
public final class UpgradeWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UpgradeWorker.class);
  private static final Duration DEADLOCK_DETECTION = Duration.ofSeconds(5);
  private static final Duration HEARTBEAT_THROTTLE = Duration.ofSeconds(5);

  /** The grace, and time for the handed-over activities to report their failure. */
  private static final Duration SHUTDOWN_WAIT =
      KeepAliveInterceptor.HANDOVER_GRACE.plus(Duration.ofSeconds(8));

  /** For the tasks stopped once {@link #SHUTDOWN_WAIT} is over. */
  private static final Duration FORCED_STOP_WAIT = Duration.ofSeconds(2);

  private final WorkflowServiceStubs service;
  private final WorkerFactory factory;
  private final KubernetesClients clients;
  private final KeepAliveInterceptor keepAlive;
  private final String taskQueue;
  private final TemporalHealth health;
  private final RunGauges runGauges;

  private UpgradeWorker(
      WorkflowServiceStubs service,
      WorkerFactory factory,
      KubernetesClients clients,
      KeepAliveInterceptor keepAlive,
      String taskQueue,
      RunGauges runGauges) {
    this.service = service;
    this.factory = factory;
    this.clients = clients;
    this.keepAlive = keepAlive;
    this.taskQueue = taskQueue;
    this.health = new TemporalHealth(service);
    this.runGauges = runGauges;
  }

  /** Connects to Temporal and starts polling, without metrics. */
  public static UpgradeWorker start(WorkerSettings settings) {
    return start(settings, null);
  }

  /**
   * Connects to Temporal and starts polling.
   *
   * @param metrics where the SDK, the activities and the runs report; null for nowhere
   */
  public static UpgradeWorker start(WorkerSettings settings, WorkerMetrics metrics) {
    HelmSignals.keepJvmShutdown();
    KubernetesClients clients =
        new KubernetesClients(
            settings.kubeconfig(), settings.kubeContext(), settings.inClusterContext());
    TemporalConnection temporal = settings.temporal();
    WorkflowServiceStubsOptions stubs =
        metrics == null
            ? temporal.stubsOptions()
            : WorkflowServiceStubsOptions.newBuilder(temporal.stubsOptions())
                .setMetricsScope(metrics.sdkScope())
                .build();
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(stubs);
    WorkflowClient client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace(temporal.namespace()).build());
    try {
      if (settings.addSearchAttributes()) {
        SearchAttributeRegistration.ensure(service, temporal.namespace());
      } else {
        // Nothing else calls Temporal before polling: a wrong address, key or namespace shows here.
        service
            .blockingStub()
            .describeNamespace(
                DescribeNamespaceRequest.newBuilder().setNamespace(temporal.namespace()).build());
        log.info(
            "worker: search attributes not checked (--no-search-attribute-setup); {}",
            SearchAttributeRegistration.howToAdd(temporal.namespace()));
      }
    } catch (RuntimeException refused) {
      clients.close();
      service.shutdown();
      throw refused;
    }
    KeepAliveInterceptor keepAlive = new KeepAliveInterceptor();
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            metrics == null
                ? factoryOptions(keepAlive)
                : factoryOptions(keepAlive, new ActivityRetries(metrics.registry())));
    List<Object> activities =
        new ArrayList<>(
            activities(
                clients,
                settings.backupFolder(),
                settings.backupsKept(),
                settings.trustedSources()));
    activities.add(new NotificationActivitiesImpl(settings.notifications()));
    register(factory, settings.taskQueue(), activities);
    factory.start();
    log.info(
        "worker: polling task queue {} on {}; contexts {} (kubeconfig {}{})",
        settings.taskQueue(),
        temporal,
        clients.contexts(),
        settings.kubeconfig() == null ? "none" : settings.kubeconfig(),
        clients.inClusterContext() == null
            ? ""
            : "; %s is this pod's cluster, by its service account"
                .formatted(clients.inClusterContext()));
    log.info("worker: requests may use {}", settings.trustedSources().describe());
    log.info("worker: notifications {}", settings.notifications().describe());
    RunGauges gauges =
        metrics == null ? null : RunGauges.start(client, settings.taskQueue(), metrics.registry());
    return new UpgradeWorker(service, factory, clients, keepAlive, settings.taskQueue(), gauges);
  }

  /**
   * The worker factory's options: every activity kept alive by heartbeats while it runs, and the
   * other interceptors given.
   */
  public static WorkerFactoryOptions factoryOptions(
      KeepAliveInterceptor keepAlive, WorkerInterceptor... more) {
    WorkerInterceptor[] all = new WorkerInterceptor[more.length + 1];
    all[0] = keepAlive;
    System.arraycopy(more, 0, all, 1, more.length);
    return WorkerFactoryOptions.newBuilder().setWorkerInterceptors(all).build();
  }

  /**
   * Why the worker should get no work now, empty when it polls and Temporal answers its health
   * check: what {@code /readyz} tells Kubernetes.
   */
  public Optional<String> notReadyBecause() {
    if (factory.isShutdown() || factory.isTerminated()) {
      return Optional.of("stopping");
    }
    if (!factory.isStarted()) {
      return Optional.of("not polling yet");
    }
    return health.problem();
  }

  /**
   * Registers the workflow and the given activity implementations (one per activity interface), and
   * the reading of earlier runs over the factory's own Temporal client unless one is given.
   */
  public static Worker register(WorkerFactory factory, String taskQueue, List<Object> activities) {
    Worker worker =
        factory.newWorker(
            taskQueue,
            WorkerOptions.newBuilder()
                // Heartbeats go on while a stopping worker lets its activities finish.
                .setAllowActivityHeartbeatDuringShutdown(true)
                // A cancel reaches an activity with the answer to its next heartbeat sent to the
                // server: at most this long after the cancel, instead of 0.8 x the heartbeat
                // timeout.
                .setMaxHeartbeatThrottleInterval(HEARTBEAT_THROTTLE)
                // A worker that just started replays a run's history on a cold JVM, often on a pod
                // with a fraction of a core: 1 s (the SDK's default) failed queries in the crash
                // matrix on 2 busy cores.
                .setDefaultDeadlockDetectionTimeout(DEADLOCK_DETECTION.toMillis())
                .build());
    worker.registerWorkflowImplementationTypes(
        GlooMeshUpgradeWorkflowImpl.class,
        GlooMeshRestoreWorkflowImpl.class,
        GlooMeshBackupListWorkflowImpl.class,
        NotifyTestWorkflowImpl.class,
        GlooMeshFleetWorkflowImpl.class);
    List<Object> all = new ArrayList<>(activities);
    if (all.stream().noneMatch(FleetActivities.class::isInstance)) {
      all.add(new FleetActivitiesImpl(factory.getWorkflowClient()));
    }
    if (all.stream().noneMatch(ResumeActivities.class::isInstance)) {
      all.add(new ResumeActivitiesImpl(factory.getWorkflowClient()));
    }
    if (all.stream().noneMatch(NotificationActivities.class::isInstance)) {
      all.add(new NotificationActivitiesImpl(NotificationSettings.none()));
    }
    worker.registerActivitiesImplementations(all.toArray());
    return worker;
  }

  /**
   * Every activity implementation, over the worker's Kubernetes clients, with no backup folder.
   *
   * @param trusted what requests may name for the worker to read or run
   */
  public static List<Object> activities(KubernetesClients clients, TrustedSources trusted) {
    return activities(clients, null, BackupActivitiesImpl.DEFAULT_KEEP, trusted);
  }

  /**
   * @param backupFolder where backups are also written on the worker, or null
   * @param backupsKept how many backups to keep per cluster; 0 keeps all
   * @param trusted what requests may name for the worker to read or run
   */
  public static List<Object> activities(
      KubernetesClients clients, Path backupFolder, int backupsKept, TrustedSources trusted) {
    return List.of(
        new BackupActivitiesImpl(clients, backupFolder, backupsKept),
        new PreflightActivitiesImpl(clients),
        new DeploymentActivitiesImpl(clients),
        new DiscoveryActivitiesImpl(clients),
        new CrdActivitiesImpl(clients, trusted),
        new ControlPlaneActivitiesImpl(clients, trusted),
        new ConformanceActivitiesImpl(clients, trusted),
        new RegistrationActivitiesImpl(clients, trusted),
        new VerifyActivitiesImpl(clients, trusted));
  }

  /**
   * The longest {@link #close()} waits for tasks: the pod's grace period after SIGTERM must be
   * longer (the chart in deploy/chart).
   */
  static Duration longestStop() {
    return SHUTDOWN_WAIT.plus(FORCED_STOP_WAIT);
  }

  public String taskQueue() {
    return taskQueue;
  }

  /**
   * Stops polling and lets running activities finish within {@link
   * KeepAliveInterceptor#HANDOVER_GRACE}; one still running then fails, so that another worker
   * retries it at once. The whole stop fits in the 30 s Kubernetes gives a pod after SIGTERM.
   */
  @Override
  public void close() {
    log.info(
        "worker: stopping; running activities get {}s to finish, then go to another worker",
        KeepAliveInterceptor.HANDOVER_GRACE.toSeconds());
    keepAlive.workerStopping();
    if (runGauges != null) {
      runGauges.close();
    }
    factory.shutdown();
    factory.awaitTermination(SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS);
    if (!factory.isTerminated()) {
      log.warn("worker: tasks still running after {}s; stopping them", SHUTDOWN_WAIT.toSeconds());
      factory.shutdownNow();
      factory.awaitTermination(FORCED_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    service.shutdown();
    clients.close();
    keepAlive.close();
    log.info("worker: stopped");
  }
}
