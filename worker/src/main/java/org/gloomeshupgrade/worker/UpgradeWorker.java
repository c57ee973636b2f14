package org.gloomeshupgrade.worker;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.backup.BackupActivitiesImpl;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflowImpl;
import org.gloomeshupgrade.conformance.ConformanceActivitiesImpl;
import org.gloomeshupgrade.controlplane.ControlPlaneActivitiesImpl;
import org.gloomeshupgrade.controlplane.HelmSignals;
import org.gloomeshupgrade.crds.CrdActivitiesImpl;
import org.gloomeshupgrade.deployments.DeploymentActivitiesImpl;
import org.gloomeshupgrade.discovery.DiscoveryActivitiesImpl;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.preflight.PreflightActivitiesImpl;
import org.gloomeshupgrade.registration.RegistrationActivitiesImpl;
import org.gloomeshupgrade.resume.ResumeActivities;
import org.gloomeshupgrade.resume.ResumeActivitiesImpl;
import org.gloomeshupgrade.verify.VerifyActivitiesImpl;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflowImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running worker: the upgrade workflow and every activity, on one task queue. */
public final class UpgradeWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UpgradeWorker.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

  private final WorkflowServiceStubs service;
  private final WorkerFactory factory;
  private final KubernetesClients clients;
  private final String taskQueue;

  private UpgradeWorker(
      WorkflowServiceStubs service,
      WorkerFactory factory,
      KubernetesClients clients,
      String taskQueue) {
    this.service = service;
    this.factory = factory;
    this.clients = clients;
    this.taskQueue = taskQueue;
  }

  /** Connects to Temporal and starts polling. */
  public static UpgradeWorker start(WorkerSettings settings) {
    HelmSignals.keepJvmShutdown();
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(settings.temporalAddress()).build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder().setNamespace(settings.temporalNamespace()).build());
    KubernetesClients clients =
        new KubernetesClients(settings.kubeconfig(), settings.kubeContext());
    try {
      SearchAttributeRegistration.ensure(service, settings.temporalNamespace());
    } catch (RuntimeException refused) {
      clients.close();
      service.shutdown();
      throw refused;
    }
    WorkerFactory factory = WorkerFactory.newInstance(client);
    register(factory, settings.taskQueue(), activities(clients, settings.backupFolder()));
    factory.start();
    log.info(
        "worker: polling task queue {} on {} namespace {}; kubeconfig {} (contexts {})",
        settings.taskQueue(),
        settings.temporalAddress(),
        settings.temporalNamespace(),
        settings.kubeconfig(),
        clients.contexts());
    return new UpgradeWorker(service, factory, clients, settings.taskQueue());
  }

  /** Registers the workflow and the real activities on a task queue of the factory. */
  public static Worker register(
      WorkerFactory factory, String taskQueue, KubernetesClients clients) {
    return register(factory, taskQueue, activities(clients));
  }

  /**
   * Registers the workflow and the given activity implementations (one per activity interface), and
   * the reading of earlier runs over the factory's own Temporal client unless one is given.
   */
  public static Worker register(WorkerFactory factory, String taskQueue, List<Object> activities) {
    Worker worker = factory.newWorker(taskQueue);
    worker.registerWorkflowImplementationTypes(
        GlooMeshUpgradeWorkflowImpl.class, GlooMeshRestoreWorkflowImpl.class);
    List<Object> all = new ArrayList<>(activities);
    if (all.stream().noneMatch(ResumeActivities.class::isInstance)) {
      all.add(new ResumeActivitiesImpl(factory.getWorkflowClient()));
    }
    worker.registerActivitiesImplementations(all.toArray());
    return worker;
  }

  /** Every activity implementation, over the worker's Kubernetes clients, with no backup folder. */
  public static List<Object> activities(KubernetesClients clients) {
    return activities(clients, null);
  }

  /**
   * @param backupFolder where backups are also written on the worker, or null
   */
  public static List<Object> activities(KubernetesClients clients, Path backupFolder) {
    return List.of(
        new BackupActivitiesImpl(clients, backupFolder),
        new PreflightActivitiesImpl(clients),
        new DeploymentActivitiesImpl(clients),
        new DiscoveryActivitiesImpl(clients),
        new CrdActivitiesImpl(clients),
        ControlPlaneActivitiesImpl.withDefaultInstallers(clients),
        new ConformanceActivitiesImpl(clients),
        new RegistrationActivitiesImpl(clients),
        new VerifyActivitiesImpl(clients));
  }

  public String taskQueue() {
    return taskQueue;
  }

  /**
   * Stops polling, lets running activities finish within a grace period, then closes connections.
   */
  @Override
  public void close() {
    log.info(
        "worker: shutting down, waiting up to {}s for running tasks", SHUTDOWN_GRACE.toSeconds());
    factory.shutdown();
    factory.awaitTermination(SHUTDOWN_GRACE.toSeconds(), TimeUnit.SECONDS);
    service.shutdown();
    clients.close();
    log.info("worker: stopped");
  }
}
