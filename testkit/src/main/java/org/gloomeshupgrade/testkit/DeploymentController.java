package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plays the deployment and replica-set controllers: some time after a Deployment's spec changes,
 * its pods match the replica count and pod template, and its status says so. A pod quota of the
 * namespace can refuse the pods, as the API server would (see {@link QuotaController}).
 *
 * <p>Status follows the real API's omitempty rules: at 0 replicas {@code replicas}, {@code
 * readyReplicas}, {@code availableReplicas} and {@code updatedReplicas} are absent, not 0.
 */
final class DeploymentController {

  static final String POD_TEMPLATE_HASH = "pod-template-hash";

  private final Duration delay;
  private final Map<String, Pending> pending = new HashMap<>();
  private final QuotaController quotas = new QuotaController();

  DeploymentController(Duration delay) {
    this.delay = delay;
  }

  /** True while some Deployment waits for its delay to pass: the controller must keep polling. */
  boolean waiting() {
    return !pending.isEmpty();
  }

  List<Deployment> reconcile(KubernetesClient client) {
    List<Deployment> deployments = client.apps().deployments().inAnyNamespace().list().getItems();
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    quotas.reconcile(client, pods);
    if (deployments.isEmpty()) {
      pending.clear();
      return deployments;
    }
    Set<String> seen = new HashSet<>();
    long now = System.nanoTime();
    for (Deployment deployment : deployments) {
      String key =
          deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
      seen.add(key);
      int desired = desiredReplicas(deployment);
      String hash = templateHash(deployment);
      List<Pod> owned = ownedPods(deployment, pods);
      boolean podsMatch =
          owned.size() == desired
              && owned.stream().allMatch(p -> hash.equals(labels(p).get(POD_TEMPLATE_HASH)));
      if (podsMatch && statusMatches(deployment, desired)) {
        pending.remove(key);
        continue;
      }
      Target target =
          new Target(deployment.getMetadata().getUid(), generation(deployment), desired, hash);
      Pending waiting = pending.get(key);
      if (waiting == null || !waiting.target.equals(target)) {
        pending.put(key, new Pending(target, now));
        continue;
      }
      if (now - waiting.since < delay.toNanos()) {
        continue;
      }
      if (converge(client, deployment, owned, desired, hash, pods)) {
        pending.remove(key);
      } else {
        // Refused by a quota, as the ReplicaSet controller would be: tried again a delay later.
        pending.put(key, new Pending(target, now));
      }
    }
    pending.keySet().retainAll(seen);
    return deployments;
  }

  /** False when a quota refused a pod the deployment needs: nothing was changed then. */
  private boolean converge(
      KubernetesClient client,
      Deployment deployment,
      List<Pod> owned,
      int desired,
      String hash,
      List<Pod> pods) {
    String namespace = deployment.getMetadata().getNamespace();
    long kept = owned.stream().filter(p -> hash.equals(labels(p).get(POD_TEMPLATE_HASH))).count();
    long missing = Math.max(0, desired - kept);
    long inNamespace = QuotaController.running(pods, namespace);
    for (long i = 0; i < missing; i++) {
      if (!quotas.admitsPod(namespace, inNamespace + i)) {
        return false;
      }
    }
    List<Pod> keep = new ArrayList<>();
    for (Pod pod : owned) {
      if (hash.equals(labels(pod).get(POD_TEMPLATE_HASH)) && keep.size() < desired) {
        keep.add(pod);
      } else {
        client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete();
      }
    }
    for (int i = keep.size(); i < desired; i++) {
      createPod(client, deployment);
    }
    deployment.setStatus(statusFor(deployment));
    client.apps().deployments().inNamespace(namespace).resource(deployment).updateStatus();
    return true;
  }

  static int desiredReplicas(Deployment deployment) {
    Integer replicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
    return replicas == null ? 1 : replicas;
  }

  static long generation(Deployment deployment) {
    Long generation = deployment.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }

  /**
   * True when the Deployment is asked to run and has an available pod: the point where its program
   * runs.
   */
  static boolean available(Deployment deployment) {
    if (deployment == null || desiredReplicas(deployment) < 1 || deployment.getStatus() == null) {
      return false;
    }
    Integer available = deployment.getStatus().getAvailableReplicas();
    return available != null && available >= 1;
  }

  /**
   * True when the Deployment's status reports its current spec rolled out with every replica
   * available.
   */
  static boolean settled(Deployment deployment) {
    return statusMatches(deployment, desiredReplicas(deployment));
  }

  static boolean statusMatches(Deployment deployment, int desired) {
    DeploymentStatus status = deployment.getStatus();
    if (status == null) {
      return false;
    }
    return Objects.equals(status.getObservedGeneration(), generation(deployment))
        && orZero(status.getReplicas()) == desired
        && orZero(status.getReadyReplicas()) == desired
        && orZero(status.getAvailableReplicas()) == desired
        && orZero(status.getUpdatedReplicas()) == desired;
  }

  static DeploymentStatus statusFor(Deployment deployment) {
    int desired = desiredReplicas(deployment);
    String now = Instant.now().toString();
    String name = deployment.getMetadata().getName();
    DeploymentStatusBuilder status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(generation(deployment))
            .addToConditions(
                new DeploymentConditionBuilder()
                    .withType("Available")
                    .withStatus("True")
                    .withReason("MinimumReplicasAvailable")
                    .withMessage("Deployment has minimum availability.")
                    .withLastUpdateTime(now)
                    .withLastTransitionTime(now)
                    .build())
            .addToConditions(
                new DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus("True")
                    .withReason("NewReplicaSetAvailable")
                    .withMessage(
                        "ReplicaSet \""
                            + name
                            + "-"
                            + templateHash(deployment)
                            + "\" has successfully progressed.")
                    .withLastUpdateTime(now)
                    .withLastTransitionTime(now)
                    .build());
    if (desired > 0) {
      status
          .withReplicas(desired)
          .withReadyReplicas(desired)
          .withAvailableReplicas(desired)
          .withUpdatedReplicas(desired);
    }
    return status.build();
  }

  /**
   * Creates a running pod of the deployment. A real API server drops the status of a new pod (it is
   * a subresource there), so it is written again where the server left the pod pending.
   */
  static Pod createPod(KubernetesClient client, Deployment deployment) {
    Pod pod = podFor(deployment);
    Pod created =
        client.pods().inNamespace(deployment.getMetadata().getNamespace()).resource(pod).create();
    if (created.getStatus() == null || !"Running".equals(created.getStatus().getPhase())) {
      created.setStatus(pod.getStatus());
      created =
          client
              .pods()
              .inNamespace(deployment.getMetadata().getNamespace())
              .resource(created)
              .updateStatus();
    }
    return created;
  }

  static Pod podFor(Deployment deployment) {
    String hash = templateHash(deployment);
    Map<String, String> labels = new LinkedHashMap<>(templateLabels(deployment));
    labels.put(POD_TEMPLATE_HASH, hash);
    String suffix =
        Long.toString(
            ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36), 36);
    String now = Instant.now().toString();
    var spec = deployment.getSpec().getTemplate().getSpec();
    List<ContainerStatus> containerStatuses = new ArrayList<>();
    if (spec != null && spec.getContainers() != null) {
      spec.getContainers()
          .forEach(
              c ->
                  containerStatuses.add(
                      new ContainerStatusBuilder()
                          .withName(c.getName())
                          .withImage(c.getImage())
                          .withReady(true)
                          .withStarted(true)
                          .withRestartCount(0)
                          .withNewState()
                          .withNewRunning()
                          .withStartedAt(now)
                          .endRunning()
                          .endState()
                          .build()));
    }
    // Named and owned as a ReplicaSet's pod is, so the journal tells its pods apart on both
    // backends.
    String replicaSet = deployment.getMetadata().getName() + "-" + hash;
    return new PodBuilder()
        .withNewMetadata()
        .withName(replicaSet + "-" + suffix)
        .withNamespace(deployment.getMetadata().getNamespace())
        .withLabels(labels)
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName(replicaSet)
        .withUid(UUID.nameUUIDFromBytes(replicaSet.getBytes(StandardCharsets.UTF_8)).toString())
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withSpec(spec == null ? null : Json.KUBE.clone(spec))
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .withLastTransitionTime(now)
        .endCondition()
        .addNewCondition()
        .withType("ContainersReady")
        .withStatus("True")
        .withLastTransitionTime(now)
        .endCondition()
        .withContainerStatuses(containerStatuses)
        .withStartTime(now)
        .endStatus()
        .build();
  }

  /** A stable digest of the pod template, standing in for the replica set's pod-template-hash. */
  static String templateHash(Deployment deployment) {
    String template =
        Json.KUBE.asJson(deployment.getSpec() == null ? null : deployment.getSpec().getTemplate());
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(template.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Pod> ownedPods(Deployment deployment, List<Pod> pods) {
    Map<String, String> selector = selector(deployment);
    String namespace = deployment.getMetadata().getNamespace();
    List<Pod> owned = new ArrayList<>();
    if (selector.isEmpty()) {
      return owned;
    }
    for (Pod pod : pods) {
      if (Objects.equals(namespace, pod.getMetadata().getNamespace())
          && pod.getMetadata().getDeletionTimestamp() == null
          && labels(pod).entrySet().containsAll(selector.entrySet())) {
        owned.add(pod);
      }
    }
    return owned;
  }

  private static Map<String, String> selector(Deployment deployment) {
    var spec = deployment.getSpec();
    if (spec != null
        && spec.getSelector() != null
        && spec.getSelector().getMatchLabels() != null
        && !spec.getSelector().getMatchLabels().isEmpty()) {
      return spec.getSelector().getMatchLabels();
    }
    return templateLabels(deployment);
  }

  private static Map<String, String> templateLabels(Deployment deployment) {
    var spec = deployment.getSpec();
    if (spec == null
        || spec.getTemplate() == null
        || spec.getTemplate().getMetadata() == null
        || spec.getTemplate().getMetadata().getLabels() == null) {
      return Map.of();
    }
    return spec.getTemplate().getMetadata().getLabels();
  }

  private static Map<String, String> labels(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private record Target(String uid, long generation, int replicas, String templateHash) {}

  private record Pending(Target target, long since) {}
}
