package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every request one simulated API server received, in arrival order.
 *
 * <p>Requests from clients, the code under test, are all kept. The simulator's own requests (its
 * controllers poll every few tens of milliseconds) and those of Kubernetes' own components on a
 * real API server are kept up to a limit, oldest dropped first, so a long-running demo does not
 * grow without bound.
 */
public final class RequestJournal {

  private static final Pattern DEPLOYMENT_PATH =
      Pattern.compile("/namespaces/([^/]+)/deployments/([^/]+?)(/scale)?/?$");

  private static final Pattern POD_COLLECTION_PATH =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/?$");

  private final Object lock = new Object();
  private final AtomicLong sequence = new AtomicLong();
  private final List<RecordedCall> clientCalls = new ArrayList<>();
  private final Deque<RecordedCall> simulatorCalls = new ArrayDeque<>();
  private final int simulatorCallLimit;
  private final Runnable catchUp;

  RequestJournal(int simulatorCallLimit) {
    this(simulatorCallLimit, () -> {});
  }

  /**
   * @param catchUp run before each read, for journals filled from a log that the server writes on
   *     its own
   */
  RequestJournal(int simulatorCallLimit, Runnable catchUp) {
    this.simulatorCallLimit = simulatorCallLimit;
    this.catchUp = catchUp;
  }

  RecordedCall record(
      String method, String path, String body, String userAgent, String contentType) {
    return record(method, path, body, userAgent, null, contentType, Instant.now());
  }

  RecordedCall record(
      String method,
      String path,
      String body,
      String userAgent,
      String user,
      String contentType,
      Instant time) {
    synchronized (lock) {
      RecordedCall call =
          new RecordedCall(
              sequence.incrementAndGet(), method, path, body, userAgent, user, contentType, time);
      if (call.fromSimulator() || call.fromCluster()) {
        simulatorCalls.addLast(call);
        while (simulatorCalls.size() > simulatorCallLimit) {
          simulatorCalls.removeFirst();
        }
      } else {
        clientCalls.add(call);
      }
      return call;
    }
  }

  /** All retained requests, the simulator's included, in arrival order. */
  public List<RecordedCall> all() {
    catchUp.run();
    synchronized (lock) {
      List<RecordedCall> merged = new ArrayList<>(clientCalls.size() + simulatorCalls.size());
      Iterator<RecordedCall> clients = clientCalls.iterator();
      Iterator<RecordedCall> simulator = simulatorCalls.iterator();
      RecordedCall c = next(clients);
      RecordedCall s = next(simulator);
      while (c != null || s != null) {
        if (s == null || (c != null && c.sequence() < s.sequence())) {
          merged.add(c);
          c = next(clients);
        } else {
          merged.add(s);
          s = next(simulator);
        }
      }
      return merged;
    }
  }

  /**
   * Requests neither the simulator nor Kubernetes' own components sent: what the code under test
   * did.
   */
  public List<RecordedCall> fromClients() {
    catchUp.run();
    synchronized (lock) {
      return List.copyOf(clientCalls);
    }
  }

  /** POST, PUT, PATCH and DELETE requests from clients other than the simulator. */
  public List<RecordedCall> mutating() {
    return fromClients().stream().filter(RecordedCall::isMutating).toList();
  }

  /**
   * Client requests with this method (any when null or "*") whose path, query included, contains a
   * match of the regex.
   */
  public List<RecordedCall> matching(String method, String pathRegex) {
    Pattern pattern = Pattern.compile(pathRegex);
    return fromClients().stream()
        .filter(
            call -> method == null || "*".equals(method) || call.method().equalsIgnoreCase(method))
        .filter(call -> pattern.matcher(call.path()).find())
        .toList();
  }

  /** The number of retained requests, as in {@code all().size()}. */
  public int size() {
    catchUp.run();
    synchronized (lock) {
      return clientCalls.size() + simulatorCalls.size();
    }
  }

  /** Forgets what was recorded so far; sequence numbers keep counting. */
  public void clear() {
    catchUp.run();
    synchronized (lock) {
      clientCalls.clear();
      simulatorCalls.clear();
    }
  }

  /**
   * Client requests that set {@code spec.replicas} of the named deployment, in any namespace: PUT
   * or PATCH of the deployment or of its {@code scale} subresource, with a JSON merge patch, a
   * strategic merge patch, a JSON patch, a whole Deployment or a Scale object as body.
   */
  public List<ReplicaChange> replicaChanges(String deployment) {
    return replicaChanges(null, deployment);
  }

  /**
   * As {@link #replicaChanges(String)}, limited to one namespace when {@code namespace} is not
   * null.
   */
  public List<ReplicaChange> replicaChanges(String namespace, String deployment) {
    List<ReplicaChange> changes = new ArrayList<>();
    for (RecordedCall call : fromClients()) {
      if (!call.method().equals("PUT") && !call.method().equals("PATCH")) {
        continue;
      }
      Matcher matcher = DEPLOYMENT_PATH.matcher(call.pathWithoutQuery());
      if (!matcher.find()
          || !matcher.group(2).equals(deployment)
          || (namespace != null && !matcher.group(1).equals(namespace))) {
        continue;
      }
      OptionalInt replicas = replicasIn(call.body());
      if (replicas.isPresent()) {
        changes.add(
            new ReplicaChange(
                call.sequence(),
                call.method(),
                call.path(),
                replicas.getAsInt(),
                call.responseCode(),
                call.time()));
      }
    }
    return changes;
  }

  /**
   * The pods of the named deployment that were created, whoever created them (Kubernetes' own
   * ReplicaSet controller on a real API server, the simulated Deployment controller on the mock),
   * in the order the server received the requests; {@code namespace} null for any. A pod counts as
   * the deployment's when its controlling ReplicaSet is named after it, as the Deployment
   * controller names them: the deployment's name, a dash and the pod-template hash.
   */
  public List<PodCreation> podCreations(String namespace, String deployment) {
    return podRequests(namespace, deployment, true);
  }

  /**
   * Requests to create a pod of the named deployment that the server refused (an admission plugin
   * such as the quota's, on a real API server), in the same terms as {@link #podCreations}.
   */
  public List<PodCreation> refusedPodCreations(String namespace, String deployment) {
    return podRequests(namespace, deployment, false);
  }

  private List<PodCreation> podRequests(String namespace, String deployment, boolean created) {
    List<PodCreation> creations = new ArrayList<>();
    for (RecordedCall call : all()) {
      boolean refused = call.responseCode() >= 400 && call.responseCode() <= 499;
      if (!call.method().equals("POST") || !(created ? call.succeeded() : refused)) {
        continue;
      }
      Matcher matcher = POD_COLLECTION_PATH.matcher(call.pathWithoutQuery());
      if (!matcher.find() || (namespace != null && !matcher.group(1).equals(namespace))) {
        continue;
      }
      JsonNode pod = Json.parseOrNull(call.body());
      if (pod == null || call.isDryRun()) {
        continue;
      }
      String replicaSet = controllingReplicaSet(pod);
      if (replicaSet == null || !PodCreation.ownedBy(replicaSet, deployment)) {
        continue;
      }
      String name = pod.path("metadata").path("name").asText("");
      if (name.isEmpty()) {
        JsonNode answered = Json.parseOrNull(call.responseBody());
        name = answered == null ? "" : answered.path("metadata").path("name").asText("");
      }
      creations.add(
          new PodCreation(
              call.sequence(),
              matcher.group(1),
              name,
              replicaSet,
              call.user() != null ? call.user() : call.userAgent(),
              call.time()));
    }
    return creations;
  }

  private static String controllingReplicaSet(JsonNode pod) {
    for (JsonNode owner : pod.path("metadata").path("ownerReferences")) {
      if (owner.path("kind").asText("").equals("ReplicaSet")
          && owner.path("controller").asBoolean(false)) {
        return owner.path("name").asText(null);
      }
    }
    return null;
  }

  /** The replica count a write body sets, if it sets one. */
  static OptionalInt replicasIn(String body) {
    JsonNode node = Json.parseOrNull(body);
    if (node == null) {
      return OptionalInt.empty();
    }
    if (node.isArray()) {
      // JSON patch: the last operation on the field wins, as the server applies them in order.
      OptionalInt result = OptionalInt.empty();
      for (JsonNode op : node) {
        String verb = op.path("op").asText("").toLowerCase(Locale.ROOT);
        if (!verb.equals("add") && !verb.equals("replace")) {
          continue;
        }
        String target = op.path("path").asText("");
        JsonNode value = op.path("value");
        if (target.equals("/spec/replicas") && value.canConvertToInt()) {
          result = OptionalInt.of(value.asInt());
        } else if (target.equals("/spec") && value.path("replicas").canConvertToInt()) {
          result = OptionalInt.of(value.path("replicas").asInt());
        }
      }
      return result;
    }
    JsonNode replicas = node.path("spec").path("replicas");
    if ("Scale".equals(node.path("kind").asText())
        && node.path("spec").isObject()
        && replicas.isMissingNode()) {
      // A real server's audit log re-encodes the request,
      // and Go leaves a Scale's zero replicas out.
      return OptionalInt.of(0);
    }
    return replicas.isNumber() && replicas.canConvertToInt()
        ? OptionalInt.of(replicas.asInt())
        : OptionalInt.empty();
  }

  private static RecordedCall next(Iterator<RecordedCall> iterator) {
    return iterator.hasNext() ? iterator.next() : null;
  }
}
