package org.gloomeshupgrade.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.gloomeshupgrade.kube.CrdKind;
import org.gloomeshupgrade.kube.CrdKinds;
import org.gloomeshupgrade.kube.Heartbeats;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the user's networking, settings and rbac resources and checks them against the installed
 * (new) CRDs: what the API server would refuse or silently drop on the next write. It checks kind, served
 * version, the spec's required fields, and every field, at any depth, that the schema would prune.
 */
public class ConformanceActivitiesImpl implements ConformanceActivities {
  private static final Logger log = LoggerFactory.getLogger(ConformanceActivitiesImpl.class);
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final String PRESERVE = "x-kubernetes-preserve-unknown-fields";
  /** Never pruned at the root; status is the controllers' to write. */
  private static final Set<String> ROOT_FIELDS_NOT_CHECKED = Set.of("apiVersion", "kind", "metadata", "status");
  private static final Set<String> EMBEDDED_RESOURCE_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private final KubernetesClients clients;

  public ConformanceActivitiesImpl(KubernetesClients clients) {
    this.clients = clients;
  }

  @Override
  public ConformanceReport check(String requestedContext) {
    String context = clients.resolve(requestedContext);
    KubernetesClient client = clients.forContext(context);
    List<CustomResourceDefinition> crds = CrdKinds.all(client, context);
    List<CrdKind> installed = CrdKinds.ofGroups(crds, GlooMeshGroups.ALL);
    List<ConformanceProblem> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (CrdKind kind : CrdKinds.ofGroups(crds, GlooMeshGroups.USER_CONFIGURATION)) {
      int before = seen.size();
      int problemsBefore = problems.size();
      for (String version : kind.knownVersions()) {
        Optional<List<GenericKubernetesResource>> items = list(client, context, kind, version);
        if (items.isEmpty()) {
          problems.add(new ConformanceProblem(kind.kind(), "", "", "$",
              "objects stored as " + kind.group() + "/" + version + " cannot be read: the installed CRD "
                  + kind.crd().getMetadata().getName() + " does not serve that version",
              "Put the old version back in the CRD (served: true), migrate the objects to "
                  + kind.version() + ", then remove it."));
          continue;
        }
        for (GenericKubernetesResource r : items.get()) {
          String key = kind.group() + "/" + r.getKind() + "/" + r.getMetadata().getNamespace() + "/"
              + r.getMetadata().getName();
          // A real API server returns every object at each served version; check each object once.
          if (seen.add(key)) {
            problems.addAll(check(r, installed));
          }
        }
      }
      log.info("conformance: cluster={} kind={}: {} resource(s) checked, {} problem(s)", context, kind.describe(),
          seen.size() - before, problems.size() - problemsBefore);
      Heartbeats.beat("checked " + kind.kind());
    }
    log.info("conformance: cluster={}: {} resource(s) checked, {} problem(s){}", context, seen.size(),
        problems.size(), problems.isEmpty() ? "" : ": " + problems.stream()
            .map(p -> p.kind() + " " + p.namespace() + "/" + p.name() + " " + p.path()).toList());
    return new ConformanceReport(seen.size(), List.copyOf(problems));
  }

  /** Empty when the server does not serve that version of the kind (404). */
  private static Optional<List<GenericKubernetesResource>> list(KubernetesClient client, String context, CrdKind kind,
      String version) {
    try {
      return Optional.of(kind.namespaced()
          ? client.genericKubernetesResources(kind.context(version)).inAnyNamespace().list().getItems()
          : client.genericKubernetesResources(kind.context(version)).list().getItems());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw KubernetesFailures.translate(e, "listing " + kind.plural() + "." + kind.group() + "/" + version
          + " in all namespaces", context);
    }
  }

  static List<ConformanceProblem> check(GenericKubernetesResource r, List<CrdKind> installed) {
    String apiVersion = r.getApiVersion() == null ? "" : r.getApiVersion();
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    String ns = r.getMetadata().getNamespace() == null ? "" : r.getMetadata().getNamespace();
    String name = r.getMetadata().getName();
    String kindName = r.getKind();
    List<ConformanceProblem> problems = new ArrayList<>();

    Optional<CrdKind> kind = installed.stream()
        .filter(k -> k.group().equals(group) && k.kind().equals(kindName)).findFirst();
    if (kind.isEmpty()) {
      problems.add(new ConformanceProblem(kindName, ns, name, "$",
          "kind " + kindName + " of group " + group + " has no installed CRD any more",
          "The new version dropped or renamed this kind; recreate its configuration as the kind that replaces it "
              + "(see the changelog), then delete this object."));
      return problems;
    }
    CrdKind crd = kind.get();
    Optional<CustomResourceDefinitionVersion> served = crd.versionSpec(version)
        .filter(v -> Boolean.TRUE.equals(v.getServed()));
    if (served.isEmpty()) {
      problems.add(new ConformanceProblem(kindName, ns, name, "$.apiVersion",
          "apiVersion " + apiVersion + " is not served by the installed CRD (served: " + crd.servedVersions() + ")",
          "Rewrite it as " + crd.group() + "/" + crd.version() + " following the changelog and apply it again."));
      return problems;
    }
    if (served.get().getSchema() == null || served.get().getSchema().getOpenAPIV3Schema() == null) {
      return problems;
    }
    JsonNode schema = JSON.valueToTree(served.get().getSchema().getOpenAPIV3Schema());
    JsonNode object = JSON.valueToTree(r);
    JsonNode specSchema = schema.path("properties").path("spec");
    JsonNode spec = object.path("spec");

    if (contains(schema.path("required"), "spec") && spec.isMissingNode()) {
      problems.add(new ConformanceProblem(kindName, ns, name, "$.spec", "required field spec is missing",
          "The API server would refuse this object on its next write; add a spec as the " + version
              + " schema describes."));
    }
    for (JsonNode required : specSchema.path("required")) {
      String field = required.asText();
      if (!spec.has(field)) {
        problems.add(new ConformanceProblem(kindName, ns, name, "$.spec." + field,
            "required field " + field + " is missing",
            "The API server would refuse this object on its next write; set spec." + field + " (see the changelog)."));
      }
    }
    boolean crdKeepsEverything = Boolean.TRUE.equals(crd.crd().getSpec().getPreserveUnknownFields());
    if (!crdKeepsEverything) {
      for (String path : prunedPaths(object, schema)) {
        problems.add(new ConformanceProblem(kindName, ns, name, path,
            "field " + path.substring(2) + " is not in the " + version + " schema of " + kindName,
            "the API server would drop this field; move its setting to where the new schema has it (see the "
                + "changelog), or remove it."));
      }
    }
    return problems;
  }

  /**
   * The fields the API server prunes when it stores or reads {@code object} with this structural schema, as
   * paths like {@code $.spec.retries.retryOn}, {@code $.spec.filters[0].x} or {@code $.spec.m['*'].y}. Status
   * is left out: it belongs to the controllers, which write it again. This is the server's own walk: a field no
   * schema describes goes, unless its object preserves unknown fields, which keeps only that object's own
   * unknown fields and not those inside its described ones; {@code additionalProperties: true} keeps the keys
   * but prunes inside their values.
   */
  private static List<String> prunedPaths(JsonNode object, JsonNode rootSchema) {
    List<String> paths = new ArrayList<>();
    boolean keepUnknown = rootSchema.path(PRESERVE).asBoolean(false);
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!ROOT_FIELDS_NOT_CHECKED.contains(field.getKey())) {
        pruneField(field.getKey(), field.getValue(), rootSchema, keepUnknown, "$", paths);
      }
    }
    return paths;
  }

  private static void prune(JsonNode value, JsonNode schema, boolean keepUnknown, String path, List<String> out) {
    boolean keep = keepUnknown || schema.path(PRESERVE).asBoolean(false);
    if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        // The items of an array that preserves unknown fields preserve their own too.
        prune(value.get(i), schema.path("items"), keep, path + "[" + i + "]", out);
      }
    } else if (value.isObject()) {
      boolean embedded = schema.path("x-kubernetes-embedded-resource").asBoolean(false);
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!(embedded && EMBEDDED_RESOURCE_FIELDS.contains(field.getKey()))) {
          pruneField(field.getKey(), field.getValue(), schema, keep, path, out);
        }
      }
    }
  }

  private static void pruneField(String key, JsonNode value, JsonNode parent, boolean keepUnknown, String path,
      List<String> out) {
    String child = path + pathSegment(key);
    JsonNode known = parent.path("properties").get(key);
    JsonNode additional = parent.path("additionalProperties");
    if (known != null) {
      prune(value, known, false, child, out);
    } else if (additional.isObject()) {
      prune(value, additional, false, child, out);
    } else if (additional.asBoolean(false)) {
      prune(value, MissingNode.getInstance(), false, child, out);
    } else if (!keepUnknown) {
      out.add(child);
    }
  }

  private static String pathSegment(String key) {
    return key.matches("[A-Za-z_][A-Za-z0-9_]*") ? "." + key
        : "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode n : array) {
      if (value.equals(n.asText())) {
        return true;
      }
    }
    return false;
  }
}
