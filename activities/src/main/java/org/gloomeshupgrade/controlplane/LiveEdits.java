package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.gloomeshupgrade.controlplane.RenderedManifestInstaller.Planned;
import org.gloomeshupgrade.kube.ImageVersions;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what people set on chart-owned objects through a {@code manifests} upgrade. Each object is
 * written as the three-way merge ({@link ThreeWayMerge}) of the chart's change into the live
 * object. What the chart set before is the object's last-applied annotation, written with every
 * apply; without one (objects installed another way, or not yet written by this step), the chart of
 * the version the object says it runs rendered with the same values, when the chart source has it;
 * without either, the chart's object replaces the live one as before, and the report says so.
 */
final class LiveEdits {
  /** What this tool applied last, as JSON, on every object it writes (not on Secrets). */
  static final String LAST_APPLIED = "gloo-mesh-upgrade.io/last-applied";

  private static final Logger log = LoggerFactory.getLogger(LiveEdits.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final InstallSpec spec;
  private final ChartResolver chartSource;
  private final KubernetesSerialization serialization;
  private final Map<String, Map<String, JsonNode>> charts = new HashMap<>();
  private final Map<String, Set<String>> servedKinds = new HashMap<>();

  LiveEdits(
      KubernetesClient client,
      InstallSpec spec,
      ChartResolver charts,
      KubernetesSerialization serialization) {
    this.client = client;
    this.spec = spec;
    this.chartSource = charts;
    this.serialization = serialization;
  }

  /**
   * Finds what each planned object was applied as before, and refuses, naming every conflict with
   * both values, when a field someone edited on the cluster is one the chart changes. Reads only.
   */
  void mergeInto(List<Planned> plan) {
    List<String> conflicts = new ArrayList<>();
    for (Planned planned : plan) {
      if (!served(planned.desired())) {
        continue; // its CRD comes with this upgrade: nothing of it can be on the cluster yet
      }
      HasMetadata live =
          KubernetesFailures.call(
              "reading " + planned.id(),
              spec.context(),
              () -> client.resource(planned.desired()).get());
      if (live == null) {
        continue;
      }
      JsonNode liveJson = serialization.convertValue(live, JsonNode.class);
      Optional<Record> recorded = lastApplied(live);
      Optional<String> liveVersion = versionOf(live);
      if (recorded.isPresent()
          && liveVersion.isPresent()
          && !liveVersion.get().equals(recorded.get().version())) {
        // Someone put another version's object back since: the record no longer describes it.
        planned.note(
            " (at version %s on the cluster, not the %s it was recorded at: the chart's object replaces it)"
                .formatted(liveVersion.get(), recorded.get().version()));
        continue;
      }
      // Without a record, the chart of the version the object itself says it runs: what the step's
      // first attempt already wrote says the target, what it did not says the version before.
      JsonNode base =
          recorded
              .map(Record::object)
              .orElseGet(
                  () -> liveVersion.map(v -> chartOf(v).get(key(planned.desired()))).orElse(null));
      planned.base(base);
      if (base == null) {
        planned.note(" (no record of what was applied before: the chart's object replaces it)");
        continue;
      }
      ThreeWayMerge.Result merge =
          ThreeWayMerge.merge(base, content(serialization, planned.desired()), liveJson);
      merge.conflicts().forEach(c -> conflicts.add(planned.id() + ": " + c.describe()));
      if (!ThreeWayMerge.matches(base, content(liveJson))) {
        planned.note(" (edits on the cluster kept)");
      }
    }
    if (!conflicts.isEmpty()) {
      throw conflict(conflicts);
    }
  }

  /**
   * The object to write over {@code existing}: the merge of the chart's change into it, with the
   * last-applied annotation. Refused when someone edited a field the chart changes since {@link
   * #mergeInto} looked.
   */
  static HasMetadata merged(
      KubernetesSerialization serialization,
      HasMetadata desired,
      HasMetadata existing,
      JsonNode base,
      String version) {
    ObjectNode wanted = content(serialization, desired);
    if (!"Secret".equals(desired.getKind())) {
      // A Secret's values never go into an annotation.
      ObjectNode metadata = (ObjectNode) wanted.get("metadata");
      ObjectNode annotations =
          metadata.get("annotations") instanceof ObjectNode a
              ? a
              : metadata.putObject("annotations");
      annotations.put(LAST_APPLIED, record(serialization, desired, version));
    }
    JsonNode live = serialization.convertValue(existing, JsonNode.class);
    ThreeWayMerge.Result merge = ThreeWayMerge.merge(base, wanted, live);
    if (!merge.conflicts().isEmpty()) {
      String id = "%s %s".formatted(desired.getKind(), desired.getMetadata().getName());
      throw conflict(merge.conflicts().stream().map(c -> id + ": " + c.describe()).toList());
    }
    return serialization.unmarshal(merge.merged().toString());
  }

  /** The chart's object with the record of it, for the next upgrade (not on Secrets). */
  static HasMetadata recorded(
      KubernetesSerialization serialization, HasMetadata desired, String version) {
    if (!"Secret".equals(desired.getKind())) {
      Map<String, String> annotations = new HashMap<>();
      if (desired.getMetadata().getAnnotations() != null) {
        annotations.putAll(desired.getMetadata().getAnnotations());
      }
      annotations.put(LAST_APPLIED, record(serialization, desired, version));
      desired.getMetadata().setAnnotations(annotations);
    }
    return desired;
  }

  /**
   * The record of what was applied, without a Deployment's replica count: the run owns the counts
   * of discovery and networking (0 while it upgrades), so a count recorded during one run would
   * read as a person's change in the next.
   */
  private static String record(
      KubernetesSerialization serialization, HasMetadata desired, String version) {
    ObjectNode object = content(serialization, desired);
    if ("Deployment".equals(desired.getKind()) && object.get("spec") instanceof ObjectNode spec) {
      spec.remove("replicas");
    }
    ObjectNode record = JSON.createObjectNode();
    record.put("version", version);
    record.set("object", object);
    return record.toString();
  }

  /** What was applied, and the chart version it was applied for. */
  private record Record(String version, JsonNode object) {}

  /**
   * The version the object says it is at: its app.kubernetes.io/version label, else for a
   * Deployment its image tag; empty when it says none.
   */
  private static Optional<String> versionOf(HasMetadata live) {
    Map<String, String> labels = live.getMetadata().getLabels();
    String label = labels == null ? null : labels.get("app.kubernetes.io/version");
    if (label != null && !label.isBlank()) {
      return Optional.of(ImageVersions.normalize(label));
    }
    if (live instanceof io.fabric8.kubernetes.api.model.apps.Deployment d) {
      return ImageVersions.version(ImageVersions.image(d));
    }
    return Optional.empty();
  }

  /**
   * What the chart sets on an object: kind, name, labels, annotations and the rest, without what
   * the server owns.
   */
  static ObjectNode content(KubernetesSerialization serialization, HasMetadata object) {
    return content(serialization.convertValue(object, JsonNode.class));
  }

  private static ObjectNode content(JsonNode object) {
    ObjectNode copy = object.deepCopy();
    copy.remove("status");
    if (copy.get("metadata") instanceof ObjectNode metadata) {
      metadata.retain("name", "namespace", "labels", "annotations");
      if (metadata.get("annotations") instanceof ObjectNode annotations) {
        annotations.remove(LAST_APPLIED);
        if (annotations.isEmpty()) {
          metadata.remove("annotations");
        }
      }
    }
    return copy;
  }

  private static Optional<Record> lastApplied(HasMetadata live) {
    Map<String, String> annotations = live.getMetadata().getAnnotations();
    String text = annotations == null ? null : annotations.get(LAST_APPLIED);
    if (text == null) {
      return Optional.empty();
    }
    try {
      JsonNode record = JSON.readTree(text);
      if (!record.path("version").isTextual() || !record.path("object").isObject()) {
        return Optional.empty();
      }
      return Optional.of(new Record(record.get("version").asText(), record.get("object")));
    } catch (java.io.IOException unreadable) {
      log.warn(
          "control-plane: cluster={} {} {}: annotation {} is not JSON: ignored",
          live.getKind(),
          live.getMetadata().getName(),
          LAST_APPLIED,
          unreadable.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The chart of {@code version} rendered with the request's values, by object; empty when the
   * chart source does not have that version (a local chart holds one).
   */
  private Map<String, JsonNode> chartOf(String version) {
    return charts.computeIfAbsent(version, this::render);
  }

  private Map<String, JsonNode> render(String version) {
    Map<String, JsonNode> rendered = new HashMap<>();
    try {
      List<JsonNode> documents =
          RenderedManifestInstaller.render(
              chartSource,
              chartSource.resolve(spec.chart(), version),
              spec.release(),
              spec.namespace(),
              ValuesFiles.read(spec));
      for (JsonNode document : documents) {
        HasMetadata object = serialization.unmarshal(document.toString());
        if (object.getMetadata().getNamespace() == null) {
          object.getMetadata().setNamespace(spec.namespace());
        }
        rendered.put(key(object), content(serialization, object));
      }
      log.info(
          "control-plane: cluster={} objects at {} without a {} annotation are compared with the"
              + " chart of {}",
          spec.context(),
          version,
          LAST_APPLIED,
          version);
    } catch (ApplicationFailure noSuchChart) {
      log.info(
          "control-plane: cluster={} the chart of {} is not in {}: objects at {} without a {}"
              + " annotation are replaced by the new chart's",
          spec.context(),
          version,
          spec.chart(),
          version,
          LAST_APPLIED);
    }
    return rendered;
  }

  /** Whether the cluster serves the object's kind; the built-in kinds always are. */
  private boolean served(HasMetadata object) {
    if (!(object instanceof GenericKubernetesResource)) {
      return true;
    }
    return servedKinds
        .computeIfAbsent(
            object.getApiVersion(),
            apiVersion -> {
              APIResourceList resources =
                  KubernetesFailures.call(
                      "discovering " + apiVersion,
                      spec.context(),
                      () -> client.getApiResources(apiVersion));
              Set<String> kinds = new HashSet<>();
              if (resources != null && resources.getResources() != null) {
                resources.getResources().forEach(r -> kinds.add(r.getKind()));
              }
              return kinds;
            })
        .contains(object.getKind());
  }

  private static String key(HasMetadata object) {
    String ns = object.getMetadata().getNamespace();
    return "%s/%s/%s"
        .formatted(object.getKind(), ns == null ? "" : ns, object.getMetadata().getName());
  }

  private static ApplicationFailure conflict(List<String> conflicts) {
    return ApplicationFailure.newNonRetryableFailure(
        """
        %d field(s) edited on the cluster are ones the new chart changes; nothing was written. \
        Put the value you want into a Helm values file (helmValuesFiles) or undo the edit, then retry: %s"""
            .formatted(conflicts.size(), String.join("; ", conflicts)),
        FailureTypes.LIVE_EDIT_CONFLICT);
  }
}
