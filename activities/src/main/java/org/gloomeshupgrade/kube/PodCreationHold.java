package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ResourceQuota of 0 pods in the Gloo Mesh namespace, held while an install hands the chart to
 * Helm.
 *
 * <p>Helm's three-way merge puts the chart's replica count back on discovery and networking, and
 * Kubernetes' ReplicaSet controller creates their pods within milliseconds of that write, before
 * the control-plane step can scale them back to 0. While the quota is in place the API server
 * refuses those pods; the step lifts it once both deployments are back at 0. It holds every new pod
 * of the namespace, not only those two, for the seconds the install takes: a quota cannot select
 * pods by label, and an admission policy that could would need cluster-wide rights and Kubernetes
 * 1.30. Pods that already run are not touched.
 *
 * <p>The API server enforces a quota only once the quota controller has counted it: until its
 * status has the count, admission lets every pod through. Placing therefore waits for that count.
 */
public final class PodCreationHold {
  private static final Logger log = LoggerFactory.getLogger(PodCreationHold.class);

  /** The quota's name, the same in every namespace, so that any later step can find and lift it. */
  public static final String NAME = "gloo-mesh-upgrade-pod-hold";

  /** How long placing waits for the quota controller to count the quota. */
  public static final Duration ENFORCEMENT_TIMEOUT = Duration.ofSeconds(60);

  /** What the step needs on resource quotas in the namespace: read, place, restore, lift. */
  public static final List<String> VERBS = List.of("get", "create", "update", "delete");

  private static final String PODS = "pods";
  private static final Duration POLL = Duration.ofMillis(100);

  private final KubernetesClient client;
  private final String context;
  private final String namespace;
  private final Duration timeout;

  public PodCreationHold(KubernetesClient client, String context, String namespace) {
    this(client, context, namespace, ENFORCEMENT_TIMEOUT);
  }

  /**
   * @param timeout how long {@link #place()} waits for the quota controller to count the quota
   */
  public PodCreationHold(
      KubernetesClient client, String context, String namespace, Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.context = Objects.requireNonNull(context, "context");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** The permissions placing and lifting need, for the check before anything changes. */
  public static List<PermissionReview> permissions(String context, String namespace) {
    List<PermissionReview> reviews = new ArrayList<>();
    for (String verb : VERBS) {
      reviews.add(PermissionReview.namespaced(context, verb, "", "resourcequotas", "", namespace));
    }
    return reviews;
  }

  /** "namespace/name" of the quota, for logs and messages. */
  public String id() {
    return namespace + "/" + NAME;
  }

  /**
   * Creates the quota, or sets an existing one (left by an attempt that died) back to 0 pods, and
   * returns once the API server enforces it. Fails with {@link FailureTypes#WAIT_TIMED_OUT} when
   * the quota controller does not count it in time: then nothing holds the pods, and the install
   * must not run.
   */
  public void place() {
    ResourceQuota desired =
        new ResourceQuotaBuilder()
            .withNewMetadata()
            .withName(NAME)
            .withNamespace(namespace)
            .addToLabels(Labels.MANAGED_BY, "gloo-mesh-upgrade")
            .addToAnnotations(
                "gloo-mesh-upgrade/purpose",
                """
                Holds new pods in this namespace while the control-plane step installs the \
                chart, so that discovery and networking cannot start before their step. The step \
                removes it; if it is still here after the step, delete it: \
                kubectl delete resourcequota %s -n %s"""
                    .formatted(NAME, namespace))
            .endMetadata()
            .withNewSpec()
            .addToHard(PODS, new Quantity("0"))
            .endSpec()
            .build();
    KubernetesFailures.call(
        "placing pod hold " + id(),
        context,
        () ->
            ConflictRetry.onConflict(
                () -> {
                  ResourceQuota live = quota().get();
                  if (live == null) {
                    return quotas().resource(desired).create();
                  }
                  live.setSpec(desired.getSpec());
                  return quotas().resource(live).update();
                }));
    long deadline = System.nanoTime() + timeout.toNanos();
    long started = System.nanoTime();
    while (true) {
      ResourceQuota live =
          KubernetesFailures.call("reading pod hold " + id(), context, () -> quota().get());
      if (enforced(live)) {
        log.info(
            "pod-hold: cluster={} quota={} placed, enforced after {} ms (pods in use: {})",
            context,
            id(),
            Duration.ofNanos(System.nanoTime() - started).toMillis(),
            live.getStatus().getUsed().get(PODS));
        return;
      }
      if (System.nanoTime() > deadline) {
        throw ApplicationFailure.newFailure(
            """
            The pod hold %s on cluster %s was placed, but the API server's quota controller \
            did not count it within %d s, so the API server does not enforce it yet. Without \
            it the install could start discovery and networking early, so it did not run. Is \
            kube-controller-manager running with its resourcequota controller?"""
                .formatted(id(), context, timeout.toSeconds()),
            FailureTypes.WAIT_TIMED_OUT);
      }
      Heartbeats.pause(POLL, "waiting for the quota controller to count pod hold " + id());
    }
  }

  /**
   * Removes the quota; nothing happens when there is none.
   *
   * @return whether there was one
   */
  public boolean lift() {
    // Read first: a step that finds none writes nothing.
    boolean removed =
        KubernetesFailures.call(
            "lifting pod hold " + id(),
            context,
            () -> quota().get() != null && !quota().delete().isEmpty());
    if (removed) {
      log.info("pod-hold: cluster={} quota={} lifted", context, id());
    }
    return removed;
  }

  /**
   * Whether a hold is in place, for a warning before anything changes; false when the worker may
   * not read quotas (then it cannot have placed one).
   */
  public boolean inPlace() {
    try {
      return KubernetesFailures.call("reading pod hold " + id(), context, () -> quota().get())
          != null;
    } catch (ApplicationFailure e) {
      if (FailureTypes.FORBIDDEN.equals(e.getType())) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Lifts a hold a control-plane step left behind (a worker that died inside it, or a step skipped
   * after it failed), before scaling a deployment up. A worker without the permission is told
   * nothing: it could not have placed one either.
   *
   * @return whether there was one
   */
  public boolean liftIfLeft() {
    try {
      return lift();
    } catch (ApplicationFailure e) {
      if (FailureTypes.FORBIDDEN.equals(e.getType())) {
        log.debug("pod-hold: cluster={} cannot check for {}: {}", context, id(), e.getMessage());
        return false;
      }
      throw e;
    }
  }

  private NonNamespaceOperation<ResourceQuota, ResourceQuotaList, Resource<ResourceQuota>>
      quotas() {
    return client.resourceQuotas().inNamespace(namespace);
  }

  private Resource<ResourceQuota> quota() {
    return quotas().withName(NAME);
  }

  /**
   * Whether admission uses the quota: its status carries the 0-pod limit and a count of pods in
   * use.
   */
  static boolean enforced(ResourceQuota quota) {
    if (quota == null || quota.getStatus() == null) {
      return false;
    }
    Map<String, Quantity> hard = quota.getStatus().getHard();
    Map<String, Quantity> used = quota.getStatus().getUsed();
    return hard != null
        && hard.get(PODS) != null
        && Quantity.getAmountInBytes(hard.get(PODS)).signum() == 0
        && used != null
        && used.get(PODS) != null;
  }
}
