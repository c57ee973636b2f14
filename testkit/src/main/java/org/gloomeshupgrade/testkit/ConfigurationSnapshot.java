package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.gloomeshupgrade.mesh.GlooMeshGroups;

/**
 * Every Gloo Mesh resource outside the discovery group in one cluster, as whole objects: every kind
 * of every Gloo Mesh group but {@link GlooMeshGroups#DISCOVERY}, namespaced and cluster-scoped, in
 * all namespaces, read at each CRD's storage version. Discovery is left out because an upgrade
 * deletes it and discovery writes it anew.
 *
 * <p>Two snapshots, one taken before a run and one after it, are compared field by field:
 *
 * <pre>{@code
 * ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);
 * ... the run ...
 * ConfigurationSnapshot.assertUnchanged(before, ConfigurationSnapshot.capture(client));
 * }</pre>
 */
public final class ConfigurationSnapshot {

  /**
   * What the API server and controllers write, not the user: {@code status} is the controllers'
   * report; {@code resourceVersion}, {@code generation} and {@code managedFields} move on every
   * write, even one that changes nothing a user wrote (a status update, a no-op apply); {@code
   * uid}, {@code creationTimestamp} and {@code selfLink} are identity and bookkeeping the server
   * assigns, so a resource deleted and created again with the same content, as a restore does,
   * compares equal (whether a run deleted anything is for the request journal to tell). Everything
   * else is kept, including labels, annotations, finalizers, ownerReferences and {@code
   * deletionTimestamp}: a resource left terminating is a change.
   */
  private static final List<String> SERVER_OWNED_METADATA =
      List.of(
          "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink");

  /**
   * The manifests install's record of what the chart applied to an object (LiveEdits in the
   * activities): bookkeeping that changes with every chart version, not anyone's configuration.
   * Tests of the record read it from the object itself.
   */
  private static final String LAST_APPLIED = "gloo-mesh-upgrade.io/last-applied";

  private static final Duration STORAGE_START = Duration.ofSeconds(30);

  private final SortedMap<ResourceKey, ObjectNode> resources;

  private ConfigurationSnapshot(SortedMap<ResourceKey, ObjectNode> resources) {
    this.resources = Collections.unmodifiableSortedMap(resources);
  }

  /** Reads every Gloo Mesh resource outside discovery that the client's cluster holds now. */
  public static ConfigurationSnapshot capture(KubernetesClient client) {
    SortedMap<ResourceKey, ObjectNode> resources = new TreeMap<>();
    for (CustomResourceDefinition crd :
        client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      String group = crd.getSpec().getGroup();
      if (!GlooMeshGroups.isGlooMeshGroup(group) || GlooMeshGroups.DISCOVERY.equals(group)) {
        continue;
      }
      boolean namespaced = !"Cluster".equals(crd.getSpec().getScope());
      String storageVersion =
          crd.getSpec().getVersions().stream()
              .filter(v -> Boolean.TRUE.equals(v.getStorage()))
              .map(CustomResourceDefinitionVersion::getName)
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "CRD " + crd.getMetadata().getName() + " has no storage version"));
      ResourceDefinitionContext context =
          new ResourceDefinitionContext.Builder()
              .withGroup(group)
              .withVersion(storageVersion)
              .withKind(crd.getSpec().getNames().getKind())
              .withPlural(crd.getSpec().getNames().getPlural())
              .withNamespaced(namespaced)
              .build();
      var operation = client.genericKubernetesResources(context);
      List<GenericKubernetesResource> items =
          whileStorageStarts(
              () ->
                  namespaced
                      ? operation.inAnyNamespace().list().getItems()
                      : operation.list().getItems());
      for (GenericKubernetesResource item : items) {
        ObjectNode object =
            client.getKubernetesSerialization().convertValue(item, ObjectNode.class);
        String namespace =
            namespaced ? Objects.requireNonNullElse(item.getMetadata().getNamespace(), "") : "";
        resources.put(
            new ResourceKey(group, context.getKind(), namespace, item.getMetadata().getName()),
            userWritten(object));
      }
    }
    return new ConfigurationSnapshot(resources);
  }

  /**
   * A real API server answers 429 "storage is (re)initializing" for a short while after a CRD is
   * created or changed, which is when a snapshot right after an upgrade reads; the server says when
   * to ask again.
   */
  private static <T> T whileStorageStarts(Supplier<T> read) {
    long deadline = System.nanoTime() + STORAGE_START.toNanos();
    while (true) {
      try {
        return read.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 429 || System.nanoTime() > deadline) {
          throw e;
        }
        Integer retryAfter =
            e.getStatus() == null || e.getStatus().getDetails() == null
                ? null
                : e.getStatus().getDetails().getRetryAfterSeconds();
        try {
          Thread.sleep(
              Duration.ofSeconds(retryAfter == null ? 1 : Math.min(retryAfter, 5)).toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static ObjectNode userWritten(ObjectNode object) {
    object.remove("status");
    if (object.get("metadata") instanceof ObjectNode metadata) {
      metadata.remove(SERVER_OWNED_METADATA);
      if (metadata.get("annotations") instanceof ObjectNode annotations) {
        annotations.remove(LAST_APPLIED);
        if (annotations.isEmpty()) {
          metadata.remove("annotations");
        }
      }
    }
    return object;
  }

  /** Which resources the snapshot holds, in key order. */
  public Set<ResourceKey> keys() {
    return resources.keySet();
  }

  public int size() {
    return resources.size();
  }

  /** A copy of one resource as it was captured (without status and the server's metadata). */
  public Optional<JsonNode> resource(ResourceKey key) {
    return Optional.ofNullable(resources.get(key)).map(JsonNode::deepCopy);
  }

  /**
   * How {@code later} differs from this snapshot, field by field, in resource and then path order.
   */
  public List<ConfigurationDifference> differencesTo(ConfigurationSnapshot later) {
    List<ConfigurationDifference> differences = new ArrayList<>();
    Set<ResourceKey> keys = new LinkedHashSet<>(resources.keySet());
    keys.addAll(later.resources.keySet());
    keys.stream()
        .sorted()
        .forEach(
            key ->
                compare(
                    key,
                    "",
                    node(resources.get(key)),
                    node(later.resources.get(key)),
                    differences));
    return differences;
  }

  /**
   * Fails, listing every difference, unless {@code after} holds exactly what {@code before} held.
   */
  public static void assertUnchanged(ConfigurationSnapshot before, ConfigurationSnapshot after) {
    assertChangedExactly(before, after);
  }

  /**
   * Fails unless the differences from {@code before} to {@code after} are exactly the expected
   * ones: every other difference is listed, and so is every expected change that did not happen
   * (with what is at its path instead).
   */
  public static void assertChangedExactly(
      ConfigurationSnapshot before, ConfigurationSnapshot after, ExpectedChange... expected) {
    List<ConfigurationDifference> unexpected = new ArrayList<>();
    List<ExpectedChange> unmet = new ArrayList<>(Arrays.asList(expected));
    for (ConfigurationDifference difference : before.differencesTo(after)) {
      Optional<ExpectedChange> match =
          unmet.stream().filter(e -> e.matches(difference)).findFirst();
      if (match.isPresent()) {
        unmet.remove(match.get());
      } else {
        unexpected.add(difference);
      }
    }
    if (unexpected.isEmpty() && unmet.isEmpty()) {
      return;
    }
    StringBuilder message =
        new StringBuilder(
            "Gloo Mesh configuration outside the discovery group, compared field"
                + " by field ("
                + before.size()
                + " resources before, "
                + after.size()
                + " after):");
    if (!unexpected.isEmpty()) {
      message.append("\n").append(unexpected.size()).append(" unexpected difference(s):");
      ResourceKey last = null;
      for (ConfigurationDifference difference : unexpected) {
        if (!difference.resource().equals(last)) {
          message.append("\n  ").append(difference.resource());
          last = difference.resource();
        }
        message.append("\n    ").append(difference.describe());
      }
    }
    if (!unmet.isEmpty()) {
      message.append("\n").append(unmet.size()).append(" expected change(s) that did not happen:");
      for (ExpectedChange change : unmet) {
        message
            .append("\n  expected ")
            .append(change)
            .append("\n    found ")
            .append(ConfigurationDifference.shown(before.valueAt(change.resource(), change.path())))
            .append(" -> ")
            .append(ConfigurationDifference.shown(after.valueAt(change.resource(), change.path())));
      }
    }
    throw new AssertionError(message.toString());
  }

  private JsonNode valueAt(ResourceKey key, String path) {
    JsonNode object = node(resources.get(key));
    return path.isEmpty() ? object : object.at(JsonPointer.compile(path));
  }

  private static JsonNode node(JsonNode value) {
    return value == null ? MissingNode.getInstance() : value;
  }

  /**
   * Objects field by field, arrays index by index; anything else, or a side missing, is one
   * difference.
   */
  private static void compare(
      ResourceKey key,
      String path,
      JsonNode before,
      JsonNode after,
      List<ConfigurationDifference> differences) {
    if (before.isObject() && after.isObject()) {
      Set<String> fields = new LinkedHashSet<>();
      before.fieldNames().forEachRemaining(fields::add);
      after.fieldNames().forEachRemaining(fields::add);
      for (String field : fields.stream().sorted().toList()) {
        compare(
            key,
            path + "/" + escape(field),
            node(before.get(field)),
            node(after.get(field)),
            differences);
      }
    } else if (before.isArray() && after.isArray()) {
      for (int i = 0; i < Math.max(before.size(), after.size()); i++) {
        compare(key, path + "/" + i, node(before.get(i)), node(after.get(i)), differences);
      }
    } else if (!sameJson(before, after)) {
      differences.add(new ConfigurationDifference(key, path, before, after));
    }
  }

  /**
   * JSON Pointer escaping (RFC 6901): label keys such as {@code app.kubernetes.io/name} hold a
   * slash.
   */
  private static String escape(String field) {
    return field.replace("~", "~0").replace("/", "~1");
  }

  /** Equal as JSON: numbers by value, so 2, 2L and 2.0 read back from a server compare equal. */
  static boolean sameJson(JsonNode a, JsonNode b) {
    return a.equals(
        (x, y) ->
            (x.equals(y)
                    || (x.isNumber()
                        && y.isNumber()
                        && x.decimalValue().compareTo(y.decimalValue()) == 0))
                ? 0
                : 1,
        b);
  }

  static JsonNode toJson(Object value) {
    return value instanceof JsonNode node ? node.deepCopy() : Json.JSON.valueToTree(value);
  }

  @Override
  public String toString() {
    StringBuilder text =
        new StringBuilder(resources.size() + " Gloo Mesh resource(s) outside discovery:");
    resources.keySet().forEach(key -> text.append("\n  ").append(key));
    return text.toString();
  }
}
