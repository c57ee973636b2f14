package org.gloomeshupgrade.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the request's lists and maps. Each bad item adds a problem naming its index or key, and the
 * rest of the list is still read.
 */
final class ListFields {
  private final JsonNode root;
  private final List<String> problems;

  ListFields(JsonNode root, List<String> problems) {
    this.root = root;
    this.problems = problems;
  }

  /**
   * Paths on the worker, not values: values can hold secrets (a license key), and the request is
   * kept in the workflow's history.
   */
  List<String> helmValuesFiles() {
    JsonNode node = root.get("helmValuesFiles");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      problems.add(
          "helmValuesFiles: must be a list of paths of Helm values files on the worker, got %s"
              .formatted(node));
      return List.of();
    }
    List<String> files = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual() || item.asText().isBlank()) {
        problems.add(
            "helmValuesFiles[%d]: must be the path of a values file on the worker, got %s"
                .formatted(i, item));
      } else {
        files.add(item.asText().trim());
      }
    }
    return files;
  }

  /** Registered cluster names, each a Kubernetes name and listed once. */
  List<String> clusters() {
    JsonNode node = root.get("clusters");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      problems.add("clusters: must be a list of registered cluster names, got %s".formatted(node));
      return List.of();
    }
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String where = "clusters[%d]".formatted(i);
      if (!item.isTextual()) {
        problems.add("%s: must be a string, got %s".formatted(where, item));
        continue;
      }
      String name = item.asText().trim();
      String problem = NameRules.dnsSubdomain(name);
      if (problem != null) {
        problems.add("%s: \"%s\" %s".formatted(where, name, problem));
      } else if (!seen.add(name)) {
        problems.add("%s: \"%s\" is listed twice".formatted(where, name));
      }
    }
    return new ArrayList<>(seen);
  }

  /** A list of people's names, each non-blank and listed once. */
  List<String> names(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      problems.add("%s: must be a list of names, got %s".formatted(field, node));
      return List.of();
    }
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String where = "%s[%d]".formatted(field, i);
      if (!item.isTextual() || item.asText().isBlank()) {
        problems.add("%s: must be a non-empty string, got %s".formatted(where, item));
      } else if (!seen.add(item.asText().trim())) {
        problems.add("%s: \"%s\" is listed twice".formatted(where, item.asText().trim()));
      }
    }
    return new ArrayList<>(seen);
  }

  /** Cluster name to kubeconfig context; every key must be in {@code clusters} when given. */
  Map<String, String> clusterContexts(List<String> clusters) {
    JsonNode node = root.get("clusterContexts");
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      problems.add(
          "clusterContexts: must be an object of cluster name to kubeconfig context, got %s"
              .formatted(node));
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    node.fields()
        .forEachRemaining(
            e -> {
              String where = "clusterContexts." + e.getKey();
              JsonNode context = e.getValue();
              if (!context.isTextual() || context.asText().isBlank()) {
                problems.add(
                    "%s: must be a non-empty kubeconfig context name, got %s"
                        .formatted(where, context));
              } else if (!clusters.isEmpty() && !clusters.contains(e.getKey())) {
                problems.add(
                    "%s: \"%s\" is not in clusters %s".formatted(where, e.getKey(), clusters));
              } else {
                result.put(e.getKey(), context.asText().trim());
              }
            });
    return result;
  }

  /**
   * The earlier run to carry on: {"workflowId": "...", "runId": "..."}, or the workflow ID alone.
   */
  ResumeFrom resumeFrom() {
    JsonNode node = root.get("resumeFrom");
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      String id = node.asText().trim();
      if (id.isEmpty()) {
        problems.add("resumeFrom: must name the earlier run's workflow ID, got \"\"");
        return null;
      }
      return new ResumeFrom(id, "");
    }
    if (!node.isObject()) {
      problems.add(
          "resumeFrom: must be {\"workflowId\": \"...\", \"runId\": \"...\"} or a workflow ID, got %s"
              .formatted(node));
      return null;
    }
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!name.equals("workflowId") && !name.equals("runId")) {
                problems.add(
                    "resumeFrom.%s: unknown field (known: workflowId, runId)".formatted(name));
              }
            });
    JsonNode id = node.get("workflowId");
    if (id == null || !id.isTextual() || id.asText().isBlank()) {
      problems.add(
          "resumeFrom.workflowId: required, the earlier run's workflow ID, got %s"
              .formatted(id == null ? "nothing" : id));
      return null;
    }
    JsonNode run = node.get("runId");
    if (run != null && !run.isNull() && !run.isTextual()) {
      problems.add("resumeFrom.runId: must be a string, got %s".formatted(run));
      return null;
    }
    return new ResumeFrom(
        id.asText().trim(), run == null || run.isNull() ? "" : run.asText().trim());
  }
}
