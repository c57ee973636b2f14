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
 * apply; without one (objects installed another way), the chart of the running version rendered
 * with the same values, when the chart source has it; without either, the chart's fields replace
 * the live ones as before, and the report says so.
 */
final class LiveEdits {
  /** What this tool applied last, as JSON, on every object it writes (not on Secrets). */
  static final String LAST_APPLIED = "gloo-mesh-upgrade.io/last-applied";

  private static final Logger log = LoggerFactory.getLogger(LiveEdits.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final InstallSpec spec;
  private final ChartResolver charts;
  private final KubernetesSerialization serialization;
  private Map<String, JsonNode> runningChart;
  private final Map<String, Set<String>> servedKinds = new HashMap<>();

  LiveEdits(
      KubernetesClient client,
      InstallSpec spec,
      ChartResolver charts,
      KubernetesSerialization serialization) {
    this.client = client;
    this.spec = spec;
    this.charts = charts;
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
      Optional<JsonNode> recorded = lastApplied(live);
      JsonNode base = recorded.orElseGet(() -> runningChart().get(key(planned.desired())));
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
      JsonNode base) {
    ObjectNode wanted = content(serialization, desired);
    if (!"Secret".equals(desired.getKind())) {
      // A Secret's values never go into an annotation.
      ObjectNode metadata = (ObjectNode) wanted.get("metadata");
      ObjectNode annotations =
          metadata.get("annotations") instanceof ObjectNode a
              ? a
              : metadata.putObject("annotations");
      annotations.put(LAST_APPLIED, record(serialization, desired));
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
  static HasMetadata recorded(KubernetesSerialization serialization, HasMetadata desired) {
    if (!"Secret".equals(desired.getKind())) {
      Map<String, String> annotations = new HashMap<>();
      if (desired.getMetadata().getAnnotations() != null) {
        annotations.putAll(desired.getMetadata().getAnnotations());
      }
      annotations.put(LAST_APPLIED, record(serialization, desired));
      desired.getMetadata().setAnnotations(annotations);
    }
    return desired;
  }

  /**
   * The record of what was applied, without a Deployment's replica count: the run owns the counts
   * of discovery and networking (0 while it upgrades), so a count recorded during one run would
   * read as a person's change in the next.
   */
  private static String record(KubernetesSerialization serialization, HasMetadata desired) {
    ObjectNode record = content(serialization, desired);
    if ("Deployment".equals(desired.getKind()) && record.get("spec") instanceof ObjectNode spec) {
      spec.remove("replicas");
    }
    return record.toString();
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

  private static Optional<JsonNode> lastApplied(HasMetadata live) {
    Map<String, String> annotations = live.getMetadata().getAnnotations();
    String text = annotations == null ? null : annotations.get(LAST_APPLIED);
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(text));
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
   * The chart of the running version (read from the discovery deployment's image tag), rendered
   * with the request's values, by object; empty when the chart source does not have it.
   */
  private Map<String, JsonNode> runningChart() {
    if (runningChart != null) {
      return runningChart;
    }
    runningChart = new HashMap<>();
    var discovery =
        KubernetesFailures.call(
            "reading deployment " + spec.namespace() + "/" + spec.discoveryDeployment(),
            spec.context(),
            () ->
                client
                    .apps()
                    .deployments()
                    .inNamespace(spec.namespace())
                    .withName(spec.discoveryDeployment())
                    .get());
    Optional<String> version =
        discovery == null
            ? Optional.empty()
            : ImageVersions.version(ImageVersions.image(discovery));
    if (version.isEmpty()) {
      return runningChart;
    }
    try {
      List<JsonNode> documents =
          RenderedManifestInstaller.render(
              charts,
              charts.resolve(spec.chart(), version.get()),
              spec.release(),
              spec.namespace(),
              ValuesFiles.read(spec));
      for (JsonNode document : documents) {
        HasMetadata object = serialization.unmarshal(document.toString());
        if (object.getMetadata().getNamespace() == null) {
          object.getMetadata().setNamespace(spec.namespace());
        }
        runningChart.put(key(object), content(serialization, object));
      }
      log.info(
          "control-plane: cluster={} what was applied before is taken from the chart of {} where"
              + " an object has no {} annotation",
          spec.context(),
          version.get(),
          LAST_APPLIED);
    } catch (ApplicationFailure noSuchChart) {
      log.info(
          "control-plane: cluster={} the chart of the running version {} is not in {}: objects"
              + " without a {} annotation take the chart's fields",
          spec.context(),
          version.get(),
          spec.chart(),
          LAST_APPLIED);
    }
    return runningChart;
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
