package org.gloomeshupgrade.controlplane;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.kube.PodCreationHold;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.request.RequestDefaults;
import org.gloomeshupgrade.sources.RequestedSources;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 1 and 5: delegates to the installer of the request's method, then holds discovery and
 * networking at 0. An installer that writes the chart's replica counts runs inside a {@link
 * PodCreationHold}, lifted only once both are back at 0.
 */
public class ControlPlaneActivitiesImpl implements ControlPlaneActivities {
  private static final Logger log = LoggerFactory.getLogger(ControlPlaneActivitiesImpl.class);
  private static final Duration SCALE_BACK_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SCALE_BACK_POLL = Duration.ofMillis(200);

  private final KubernetesClients clients;
  private final Map<InstallMethod, ControlPlaneInstaller> installers;
  private final TrustedSources trusted;

  /** The worker's installers: Helm, rendered manifests and meshctl; the default trusted sources. */
  public ControlPlaneActivitiesImpl(KubernetesClients clients) {
    this(clients, TrustedSources.defaults());
  }

  /** The worker's installers, reading only from the given sources. */
  public ControlPlaneActivitiesImpl(KubernetesClients clients, TrustedSources trusted) {
    this(clients, defaultInstallers(clients), trusted);
  }

  public ControlPlaneActivitiesImpl(
      KubernetesClients clients, Map<InstallMethod, ControlPlaneInstaller> installers) {
    this(clients, installers, TrustedSources.defaults());
  }

  /**
   * @param trusted what requests may name for the installers to read or run
   */
  public ControlPlaneActivitiesImpl(
      KubernetesClients clients,
      Map<InstallMethod, ControlPlaneInstaller> installers,
      TrustedSources trusted) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.installers = Map.copyOf(installers);
    this.trusted = Objects.requireNonNull(trusted, "trusted");
  }

  /**
   * The same as {@link #ControlPlaneActivitiesImpl(KubernetesClients)}, for callers that prefer a
   * factory.
   */
  public static ControlPlaneActivitiesImpl withDefaultInstallers(KubernetesClients clients) {
    return new ControlPlaneActivitiesImpl(clients);
  }

  public static Map<InstallMethod, ControlPlaneInstaller> defaultInstallers(
      KubernetesClients clients) {
    ChartResolver charts = new ChartResolver();
    Map<InstallMethod, ControlPlaneInstaller> installers = new EnumMap<>(InstallMethod.class);
    installers.put(InstallMethod.HELM, new HelmReleaseInstaller(clients, charts));
    installers.put(InstallMethod.MANIFESTS, new RenderedManifestInstaller(clients, charts));
    installers.put(InstallMethod.MESHCTL, new MeshctlInstaller(clients));
    return installers;
  }

  @Override
  public ToolingReport resolveTooling(ControlPlaneInput input) {
    InstallSpec spec = spec(input);
    return installer(input.installMethod()).resolveTooling(spec);
  }

  @Override
  public ControlPlaneResult upgrade(ControlPlaneInput input) {
    InstallSpec spec = spec(input);
    Installed installed = install(installer(input.installMethod()), spec);
    InstallOutcome outcome = installed.outcome();
    List<String> reset = installed.reset();
    log.info(
        "control-plane: cluster={} method={} upgraded to {}{}",
        spec.context(),
        input.installMethod().wireName(),
        spec.targetVersion(),
        reset.isEmpty() ? "; discovery and networking still at 0" : "; scaled back to 0: " + reset);
    return new ControlPlaneResult(
        input.installMethod().wireName(),
        outcome.revisionBefore(),
        outcome.revisionAfter(),
        outcome.applied(),
        reset,
        outcome.output(),
        outcome.release());
  }

  @Override
  public ControlPlaneResult dryRun(ControlPlaneInput input) {
    InstallSpec spec = spec(input);
    InstallOutcome outcome = installer(input.installMethod()).dryRun(spec);
    log.info(
        "control-plane: cluster={} method={} dry run of {}: {} objects accepted, nothing changed",
        spec.context(),
        input.installMethod().wireName(),
        spec.targetVersion(),
        outcome.applied().size());
    return new ControlPlaneResult(
        input.installMethod().wireName(),
        outcome.revisionBefore(),
        outcome.revisionAfter(),
        outcome.applied(),
        List.of(),
        outcome.output(),
        outcome.release());
  }

  private record Installed(InstallOutcome outcome, List<String> reset) {}

  /**
   * Installs, then scales discovery and networking back to 0; an installer that writes the chart's
   * replica counts runs inside a pod hold, lifted once both are back at 0.
   */
  private Installed install(ControlPlaneInstaller installer, InstallSpec spec) {
    if (installer.keepsReplicaCounts()) {
      InstallOutcome outcome = installer.upgrade(spec);
      return new Installed(outcome, holdAtZero(spec));
    }
    PodCreationHold hold =
        new PodCreationHold(clients.forContext(spec.context()), spec.context(), spec.namespace());
    hold.place();
    Installed installed;
    try {
      InstallOutcome outcome = installer.upgrade(spec);
      installed = new Installed(outcome, holdAtZero(spec));
    } catch (RuntimeException failed) {
      // The install may have written the chart's replicas before it failed:
      // back to 0 first, and only then may pods be created again.
      try {
        awaitScaledBack(spec, holdAtZero(spec));
        hold.lift();
      } catch (RuntimeException e) {
        log.warn(
            "control-plane: cluster={} pod hold {} stays until the step's retry: {}",
            spec.context(),
            hold.id(),
            e.getMessage());
        failed.addSuppressed(e);
      }
      throw failed;
    }
    awaitScaledBack(spec, installed.reset());
    hold.lift();
    return installed;
  }

  /**
   * Until the deployment controller has seen a scale-back, a ReplicaSet the install made may still
   * want the chart's replicas, and would start a pod the moment the hold is lifted. Its
   * observedGeneration catching up means it has scaled every ReplicaSet to 0.
   */
  private void awaitScaledBack(InstallSpec spec, List<String> reset) {
    KubernetesClient client = clients.forContext(spec.context());
    long deadline = System.nanoTime() + SCALE_BACK_TIMEOUT.toNanos();
    for (String id : reset) {
      String name = id.substring(id.indexOf('/') + 1);
      while (true) {
        Deployment deployment =
            KubernetesFailures.call(
                "reading deployment " + id,
                spec.context(),
                () ->
                    client.apps().deployments().inNamespace(spec.namespace()).withName(name).get());
        if (deployment == null || scaleBackObserved(deployment)) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw ApplicationFailure.newFailure(
              """
              deployment %s on %s was scaled back to 0, but its controller has not seen it after \
              %ds (observedGeneration %s of %s): the pod hold stays until the step's retry\
              """
                  .formatted(
                      id,
                      spec.context(),
                      SCALE_BACK_TIMEOUT.toSeconds(),
                      deployment.getStatus() == null
                          ? null
                          : deployment.getStatus().getObservedGeneration(),
                      deployment.getMetadata().getGeneration()),
              FailureTypes.WAIT_TIMED_OUT);
        }
        Heartbeats.pause(SCALE_BACK_POLL, "waiting for the scale-back of " + id);
      }
      log.info(
          "control-plane: cluster={} deployment={} scale-back to 0 seen by its controller",
          spec.context(),
          id);
    }
  }

  private static boolean scaleBackObserved(Deployment deployment) {
    Long generation = deployment.getMetadata().getGeneration();
    Long observed =
        deployment.getStatus() == null ? null : deployment.getStatus().getObservedGeneration();
    return generation == null || (observed != null && observed >= generation);
  }

  /**
   * Scales discovery and networking back to 0 if the install started them: until the CRDs are
   * current and a person approved, neither may run.
   */
  private List<String> holdAtZero(InstallSpec spec) {
    KubernetesClient client = clients.forContext(spec.context());
    List<String> reset = new ArrayList<>();
    for (String name : List.of(spec.discoveryDeployment(), spec.networkingDeployment())) {
      String id = spec.namespace() + "/" + name;
      Deployment deployment =
          KubernetesFailures.call(
              "reading deployment " + id,
              spec.context(),
              () -> client.apps().deployments().inNamespace(spec.namespace()).withName(name).get());
      if (deployment == null) {
        log.warn(
            "control-plane: cluster={} deployment={} not found after the upgrade",
            spec.context(),
            id);
        continue;
      }
      Integer replicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
      // An unset count means 1 to Kubernetes.
      int effective = replicas == null ? 1 : replicas;
      if (effective > 0) {
        KubernetesFailures.call(
            "scaling deployment " + id + " to 0",
            spec.context(),
            () ->
                client
                    .apps()
                    .deployments()
                    .inNamespace(spec.namespace())
                    .withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":0}}"));
        log.warn(
            "control-plane: cluster={} deployment={} had replicas={} after the upgrade; scaled back to 0",
            spec.context(),
            id,
            effective);
        reset.add(id);
      }
    }
    return reset;
  }

  private InstallSpec spec(ControlPlaneInput input) {
    if (input == null) {
      throw invalid("ControlPlaneInput is missing");
    }
    if (input.installMethod() == null) {
      throw invalid("installMethod is missing (helm, manifests or meshctl)");
    }
    Semver target = input.targetVersion() == null ? null : Semver.parse(input.targetVersion());
    if (target == null) {
      throw invalid(
          "targetVersion \""
              + input.targetVersion()
              + "\" is not a semantic version (for example 0.11.3)");
    }
    requireText(input.namespace(), "namespace");
    requireText(input.discoveryDeployment(), "discoveryDeployment");
    requireText(input.networkingDeployment(), "networkingDeployment");
    // Before the context, the cluster or any file: an untrusted source is refused whatever else.
    trusted.refuseUntrusted(
        new RequestedSources(
            input.chart(),
            input.crdSource(),
            input.agentCharts(),
            input.meshctlPath(),
            input.valuesFiles(),
            target.getVersion()));
    String context = clients.resolve(input.context());
    InstallSpec spec = InstallSpec.of(input, context, target.getVersion());
    // helm finds an unnamed release in the cluster; the
    // rendered manifests only need a name to render with.
    if (input.installMethod() == InstallMethod.MANIFESTS && spec.release().isBlank()) {
      spec = spec.withRelease(RequestDefaults.RENDERED_RELEASE);
    }
    return spec;
  }

  private ControlPlaneInstaller installer(InstallMethod method) {
    ControlPlaneInstaller installer = installers.get(method);
    if (installer == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "this worker has no installer for install method " + method.wireName(),
          FailureTypes.TOOLING);
    }
    return installer;
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw invalid(field + " is empty");
    }
  }

  private static ApplicationFailure invalid(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.INVALID_REQUEST);
  }
}
