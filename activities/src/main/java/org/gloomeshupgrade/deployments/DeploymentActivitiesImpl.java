package org.gloomeshupgrade.deployments;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.kube.LabelSelectors;
import org.gloomeshupgrade.kube.PodCreationHold;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class DeploymentActivitiesImpl implements DeploymentActivities {
  private static final Logger log = LoggerFactory.getLogger(DeploymentActivitiesImpl.class);
  private static final Duration POLL = Duration.ofMillis(250);

  private final KubernetesClients clients;

  public DeploymentActivitiesImpl(KubernetesClients clients) {
    this.clients = clients;
  }

  @Override
  public ScaleResult scale(ScaleInput input) {
    if (input.replicas() < 0) {
      throw ApplicationFailure.newNonRetryableFailure(
          "replicas must be 0 or more, got " + input.replicas(), FailureTypes.INVALID_REQUEST);
    }
    String context = clients.resolve(input.context());
    KubernetesClient client = clients.forContext(context);
    String ns = input.namespace();
    String name = input.deployment();
    String where = "deployment " + ns + "/" + name;

    if (input.replicas() > 0 && new PodCreationHold(client, context, ns).liftIfLeft()) {
      log.warn(
          "scale: cluster={} namespace={}: lifted pod hold {} left by an interrupted control-plane"
              + " step, before scaling {} up",
          context,
          ns,
          PodCreationHold.NAME,
          name);
    }
    Deployment deployment = read(client, context, ns, name);
    int previous = specReplicas(deployment);
    boolean changed = previous != input.replicas();
    if (input.replicas() == 0 && previous > 0) {
      // Before the count goes: a run that never scales back leaves it for the next run.
      ReplicasBeforeUpgrade.record(client, context, ns, name, previous);
    }
    if (changed) {
      // The scale subresource changes nothing but the count, whatever else the deployment carries.
      KubernetesFailures.call(
          "scaling " + where + " to " + input.replicas(),
          context,
          () -> client.apps().deployments().inNamespace(ns).withName(name).scale(input.replicas()));
      log.info(
          "scale: cluster={} deployment={}/{} replicas {} -> {}: written, waiting up to {}s",
          context,
          ns,
          name,
          previous,
          input.replicas(),
          input.timeoutSeconds());
    } else {
      log.info(
          "scale: cluster={} deployment={}/{} already at {} replicas: not written, checking pods",
          context,
          ns,
          name,
          previous);
    }

    long started = System.nanoTime();
    long deadline = started + Duration.ofSeconds(Math.max(0, input.timeoutSeconds())).toNanos();
    while (true) {
      String seen =
          input.replicas() == 0
              ? podsLeft(client, context, ns, name)
              : notAvailable(client, context, ns, name, input.replicas());
      long waited = Duration.ofNanos(System.nanoTime() - started).toMillis();
      if (seen == null) {
        log.info(
            "scale: cluster={} deployment={}/{} replicas {} -> {}: {} after {}s",
            context,
            ns,
            name,
            previous,
            input.replicas(),
            input.replicas() == 0 ? "no pods left" : input.replicas() + " available",
            seconds(waited));
        if (input.replicas() > 0 && ReplicasBeforeUpgrade.recorded(deployment).isPresent()) {
          ReplicasBeforeUpgrade.clear(client, context, ns, name);
        }
        return new ScaleResult(name, previous, input.replicas(), changed, waited);
      }
      if (System.nanoTime() >= deadline) {
        String waitedFor =
            input.replicas() == 0
                ? "every pod of " + where + " to go away"
                : where
                    + " to have "
                    + input.replicas()
                    + " available replicas at its current generation";
        log.warn(
            "scale: cluster={} deployment={}/{} replicas {} -> {}: gave up after {}s, {}",
            context,
            ns,
            name,
            previous,
            input.replicas(),
            seconds(waited),
            seen);
        throw ApplicationFailure.newFailure(
            "Timed out after "
                + seconds(waited)
                + "s on cluster "
                + context
                + " waiting for "
                + waitedFor
                + "; last seen: "
                + seen
                + ". Look at the deployment's events and pods (kubectl -n "
                + ns
                + " describe deployment "
                + name
                + "), then retry the step.",
            FailureTypes.WAIT_TIMED_OUT);
      }
      Heartbeats.pause(POLL, where + " -> " + input.replicas() + ": " + seen);
    }
  }

  private static Deployment read(KubernetesClient client, String context, String ns, String name) {
    Deployment d =
        KubernetesFailures.call(
            "reading deployment " + ns + "/" + name,
            context,
            () -> client.apps().deployments().inNamespace(ns).withName(name).get());
    if (d == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "404 Not Found while reading deployment "
              + ns
              + "/"
              + name
              + " on cluster "
              + context
              + ": no such deployment. Check the namespace and deployment names in the request and retry the step.",
          FailureTypes.NOT_FOUND);
    }
    return d;
  }

  /** Kubernetes defaults an unset replica count to 1. */
  private static int specReplicas(Deployment d) {
    Integer r = d.getSpec() == null ? null : d.getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  /** Null when no pod of the deployment is left; otherwise what is left. */
  private static String podsLeft(KubernetesClient client, String context, String ns, String name) {
    Deployment d = read(client, context, ns, name);
    LabelSelector selector = d.getSpec() == null ? null : d.getSpec().getSelector();
    if (selector == null) {
      return null;
    }
    Map<String, String> matchLabels =
        selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    List<Pod> pods =
        KubernetesFailures.call(
            "listing pods of deployment " + ns + "/" + name,
            context,
            () -> client.pods().inNamespace(ns).withLabels(matchLabels).list().getItems());
    List<String> left =
        pods.stream()
            .filter(p -> LabelSelectors.matches(selector, p.getMetadata().getLabels()))
            .map(p -> p.getMetadata().getName())
            .sorted()
            .toList();
    return left.isEmpty() ? null : left.size() + " pod(s) left " + left;
  }

  /**
   * Null when the deployment has the replicas available at its current generation; otherwise what
   * it has.
   */
  private static String notAvailable(
      KubernetesClient client, String context, String ns, String name, int wanted) {
    Deployment d = read(client, context, ns, name);
    var status = d.getStatus();
    int available =
        status == null || status.getAvailableReplicas() == null ? 0 : status.getAvailableReplicas();
    Long generation = d.getMetadata().getGeneration();
    Long observed = status == null ? null : status.getObservedGeneration();
    // Without a generation the server does not track them, and there is nothing to compare with.
    boolean current = generation == null || (observed != null && observed >= generation);
    if (available >= wanted && current) {
      return null;
    }
    return available
        + " of "
        + wanted
        + " available, observedGeneration "
        + observed
        + " of generation "
        + generation;
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
  }
}
