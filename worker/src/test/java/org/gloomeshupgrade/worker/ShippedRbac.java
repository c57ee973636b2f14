package org.gloomeshupgrade.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.gloomeshupgrade.testkit.AuditedAccess;

/**
 * The rules one file of deploy/rbac grants, split into single grants (one group, resource and verb
 * each), so that what the worker did, read from an API server's audit log, can be held against them
 * both ways: nothing done without a grant, no grant never used.
 */
final class ShippedRbac {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * One verb on one resource of one group from a shipped rule.
   *
   * @param namespace the Role's namespace; "" for a ClusterRole, which holds everywhere
   * @param names the rule's resourceNames; empty for every object
   */
  record Grant(
      String role,
      String namespace,
      String group,
      String resource,
      String verb,
      List<String> names) {

    boolean allows(AuditedAccess access) {
      return matches(group, access.group())
          && matches(resource, access.resource())
          && matches(verb, access.verb())
          && (namespace.isEmpty() || namespace.equals(access.namespace()))
          && (names.isEmpty() || names.contains(access.name()));
    }

    Grant inRole(String otherRole) {
      return new Grant(otherRole, namespace, group, resource, verb, names);
    }

    boolean usedBy(Collection<AuditedAccess> accesses) {
      return accesses.stream().filter(AuditedAccess::authorized).anyMatch(this::allows);
    }

    private static boolean matches(String granted, String asked) {
      return granted.equals("*") || granted.equals(asked);
    }

    @Override
    public String toString() {
      return "%s %s/%s%s (%s %s)"
          .formatted(
              verb,
              group.isEmpty() ? "core" : group,
              resource,
              names.isEmpty() ? "" : " " + names,
              namespace.isEmpty() ? "ClusterRole" : "Role in " + namespace,
              role);
    }
  }

  private final List<Grant> grants;

  private ShippedRbac(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  /**
   * Creates what the file ships (the account, its roles and bindings) on a cluster, with only the
   * rules {@code keep} keeps.
   */
  static void install(KubernetesClient admin, Path file, Predicate<JsonNode> keep)
      throws IOException {
    List<JsonNode> documents;
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      documents = YAML.readValues(parser, JsonNode.class).readAll();
    }
    for (JsonNode document : documents) {
      if (document == null || document.isEmpty()) {
        continue;
      }
      String kind = document.path("kind").asText();
      if (kind.equals("ClusterRole") || kind.equals("Role")) {
        ArrayNode kept = YAML.createArrayNode();
        document
            .path("rules")
            .forEach(
                rule -> {
                  if (keep.test(rule)) {
                    kept.add(rule);
                  }
                });
        ((ObjectNode) document).set("rules", kept);
      }
      HasMetadata resource =
          admin
              .getKubernetesSerialization()
              .unmarshal(new ByteArrayInputStream(YAML.writeValueAsBytes(document)));
      admin.resource(resource).create();
    }
  }

  static ShippedRbac read(Path file) throws IOException {
    List<JsonNode> documents;
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      documents = YAML.readValues(parser, JsonNode.class).readAll();
    }
    List<Grant> grants = new ArrayList<>();
    for (JsonNode document : documents) {
      if (document == null) {
        continue;
      }
      String kind = document.path("kind").asText();
      if (!kind.equals("ClusterRole") && !kind.equals("Role")) {
        continue;
      }
      String role = document.path("metadata").path("name").asText();
      String namespace =
          kind.equals("Role") ? document.path("metadata").path("namespace").asText() : "";
      for (JsonNode rule : document.path("rules")) {
        List<String> names = texts(rule.path("resourceNames"));
        for (String group : texts(rule.path("apiGroups"))) {
          for (String resource : texts(rule.path("resources"))) {
            for (String verb : texts(rule.path("verbs"))) {
              grants.add(new Grant(role, namespace, group, resource, verb, names));
            }
          }
        }
      }
    }
    return new ShippedRbac(grants);
  }

  List<Grant> grants() {
    return grants;
  }

  /** The grants of one rule of a ClusterRole, named after nothing yet. */
  static Stream<Grant> grants(PolicyRule rule) {
    List<Grant> out = new ArrayList<>();
    List<String> names = rule.getResourceNames() == null ? List.of() : rule.getResourceNames();
    for (String group : rule.getApiGroups()) {
      for (String resource : rule.getResources()) {
        for (String verb : rule.getVerbs()) {
          out.add(new Grant("", "", group, resource, verb, names));
        }
      }
    }
    return out.stream();
  }

  /** What was done without a grant, or refused by RBAC. */
  List<AuditedAccess> notGranted(Collection<AuditedAccess> accesses) {
    return accesses.stream()
        .filter(a -> !a.authorized() || grants.stream().noneMatch(g -> g.allows(a)))
        .sorted(Comparator.comparing(AuditedAccess::toString))
        .toList();
  }

  /** The grants nothing in {@code accesses} used. */
  List<Grant> unused(Collection<AuditedAccess> accesses) {
    return grants.stream().filter(g -> !g.usedBy(accesses)).toList();
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
