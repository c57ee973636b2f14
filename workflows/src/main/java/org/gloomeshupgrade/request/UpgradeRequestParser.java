package org.gloomeshupgrade.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.semver4j.Semver;

/**
 * Turns the JSON a person typed (Temporal UI, Temporal CLI, our CLI) into an {@link
 * UpgradeRequest}, collecting every problem with the field it concerns. Pure code: it runs inside
 * workflow code.
 */
public final class UpgradeRequestParser {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final int DNS_LABEL_MAX = 63;

  /** Every field the wire form accepts, in documentation order. */
  public static final List<String> FIELDS =
      List.of(
          "targetVersion",
          "managementContext",
          "namespace",
          "installMethod",
          "helmRelease",
          "chart",
          "helmValuesFiles",
          "crdSource",
          "meshctlPath",
          "clusters",
          "clusterContexts",
          "remoteNamespace",
          "clusterDomain",
          "discoveryDeployment",
          "networkingDeployment",
          "discoveryPollInterval",
          "discoverySettleWindow",
          "discoveryTimeout",
          "networkingTimeout",
          "scaleTimeout",
          "requireApproval",
          "approvalTimeout",
          "attentionTimeout",
          "allowDowngrade",
          "dryRun",
          "registrationMethod",
          "registrationConcurrency",
          "agentCharts",
          "approvers",
          "requestedBy",
          "allowSelfApproval",
          "approvalReminder",
          "resumeFrom");

  private final List<String> problems = new ArrayList<>();
  private final JsonNode root;

  private UpgradeRequestParser(JsonNode root) {
    this.root = root;
  }

  /**
   * Parses and validates.
   *
   * @throws InvalidRequestException naming every bad field
   */
  public static UpgradeRequest parse(JsonNode json) {
    if (json == null || json.isNull() || json.isMissingNode()) {
      throw new InvalidRequestException(
          List.of("the input is empty: give at least {\"targetVersion\":\"<version>\"}"));
    }
    if (!json.isObject()) {
      throw new InvalidRequestException(
          List.of(
              "the input must be a JSON object such as {\"targetVersion\":\"0.11.3\"}, got "
                  + json.getNodeType()));
    }
    return new UpgradeRequestParser(json).build();
  }

  private UpgradeRequest build() {
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        problems.add(
            "unknown field \""
                + name
                + "\""
                + suggestion(name)
                + " (known fields: "
                + String.join(", ", FIELDS)
                + ")");
      }
    }

    String targetVersion = version("targetVersion");
    String managementContext =
        text("managementContext", RequestDefaults.MANAGEMENT_CONTEXT, this::noWhitespace);
    String namespace = text("namespace", RequestDefaults.NAMESPACE, this::dnsLabel);
    InstallMethod installMethod = installMethod();
    String helmRelease = text("helmRelease", RequestDefaults.HELM_RELEASE, this::dnsSubdomain);
    String chart = text("chart", RequestDefaults.CHART_REPOSITORY, this::notBlank);
    List<String> helmValuesFiles = helmValuesFiles();
    String crdSource = text("crdSource", RequestDefaults.CRD_SOURCE, v -> null);
    String meshctlPath = text("meshctlPath", RequestDefaults.MESHCTL_PATH, v -> null);
    List<String> clusters = clusters();
    Map<String, String> clusterContexts = clusterContexts(clusters);
    String remoteNamespace =
        text("remoteNamespace", RequestDefaults.REMOTE_NAMESPACE, this::dnsLabel);
    String clusterDomain =
        text("clusterDomain", RequestDefaults.CLUSTER_DOMAIN, this::dnsSubdomain);
    String discoveryDeployment =
        text("discoveryDeployment", RequestDefaults.DISCOVERY_DEPLOYMENT, this::dnsSubdomain);
    String networkingDeployment =
        text("networkingDeployment", RequestDefaults.NETWORKING_DEPLOYMENT, this::dnsSubdomain);
    Duration poll =
        duration(
            "discoveryPollInterval",
            RequestDefaults.DISCOVERY_POLL_INTERVAL,
            RequestDefaults.MIN_POLL_INTERVAL);
    Duration settle =
        duration("discoverySettleWindow", RequestDefaults.DISCOVERY_SETTLE_WINDOW, Duration.ZERO);
    Duration discoveryTimeout =
        duration(
            "discoveryTimeout",
            RequestDefaults.DISCOVERY_TIMEOUT,
            RequestDefaults.MIN_POLL_INTERVAL);
    Duration networkingTimeout =
        duration(
            "networkingTimeout",
            RequestDefaults.NETWORKING_TIMEOUT,
            RequestDefaults.MIN_POLL_INTERVAL);
    Duration scaleTimeout =
        duration("scaleTimeout", RequestDefaults.SCALE_TIMEOUT, Duration.ofSeconds(1));
    boolean requireApproval = bool("requireApproval", RequestDefaults.REQUIRE_APPROVAL);
    Duration approvalTimeout =
        duration("approvalTimeout", RequestDefaults.APPROVAL_TIMEOUT, Duration.ofSeconds(1));
    Duration attentionTimeout =
        duration("attentionTimeout", RequestDefaults.ATTENTION_TIMEOUT, Duration.ofSeconds(1));
    boolean allowDowngrade = bool("allowDowngrade", RequestDefaults.ALLOW_DOWNGRADE);
    boolean dryRun = bool("dryRun", RequestDefaults.DRY_RUN);
    RegistrationMethod registrationMethod = registrationMethod();
    int registrationConcurrency =
        integer(
            "registrationConcurrency",
            RequestDefaults.REGISTRATION_CONCURRENCY,
            1,
            RequestDefaults.MAX_REGISTRATION_CONCURRENCY);
    String agentCharts = text("agentCharts", RequestDefaults.AGENT_CHARTS, v -> null);
    List<String> approvers = names("approvers");
    String requestedBy = text("requestedBy", RequestDefaults.REQUESTED_BY, v -> null);
    boolean allowSelfApproval = bool("allowSelfApproval", RequestDefaults.ALLOW_SELF_APPROVAL);
    Duration approvalReminder =
        duration("approvalReminder", RequestDefaults.APPROVAL_REMINDER, Duration.ofSeconds(1));
    ResumeFrom resumeFrom = resumeFrom();

    if (poll != null && discoveryTimeout != null && discoveryTimeout.compareTo(poll) <= 0) {
      problems.add(
          "discoveryTimeout: "
              + DurationText.format(discoveryTimeout)
              + " must be longer than discoveryPollInterval ("
              + DurationText.format(poll)
              + ")");
    }
    if (settle != null && discoveryTimeout != null && settle.compareTo(discoveryTimeout) >= 0) {
      problems.add(
          "discoverySettleWindow: "
              + DurationText.format(settle)
              + " must be shorter than discoveryTimeout ("
              + DurationText.format(discoveryTimeout)
              + ")");
    }
    if ((installMethod == InstallMethod.HELM || installMethod == InstallMethod.MANIFESTS)
        && registrationMethod != RegistrationMethod.MESHCTL
        && root.has("meshctlPath")) {
      problems.add(
          "meshctlPath: only used with installMethod or registrationMethod \"meshctl\", but installMethod is \""
              + installMethod.wireName()
              + "\" and registrationMethod \""
              + registrationMethod.wireName()
              + "\"");
    }
    if (approvalReminder != null
        && approvalTimeout != null
        && approvalReminder.compareTo(approvalTimeout) >= 0
        && root.has("approvalReminder")) {
      problems.add(
          "approvalReminder: "
              + DurationText.format(approvalReminder)
              + " must be shorter than approvalTimeout ("
              + DurationText.format(approvalTimeout)
              + ")");
    }
    if (!requestedBy.isBlank()
        && !allowSelfApproval
        && approvers.size() == 1
        && approvers.get(0).equalsIgnoreCase(requestedBy.trim())) {
      problems.add(
          "approvers: the only approver, \""
              + approvers.get(0)
              + "\", is the requester (requestedBy), who may not"
              + " approve their own upgrade: add another approver or set allowSelfApproval");
    }
    if (registrationMethod == RegistrationMethod.MESHCTL && root.has("agentCharts")) {
      problems.add(
          "agentCharts: meshctl cluster register installs the agent charts itself; remove agentCharts or use"
              + " registrationMethod \"native\"");
    }
    if (installMethod == InstallMethod.MESHCTL && !helmValuesFiles.isEmpty()) {
      problems.add(
          "helmValuesFiles: only used with installMethod \"helm\" or \"manifests\", but installMethod is"
              + " \"meshctl\"");
    }
    if (resumeFrom != null && dryRun) {
      problems.add(
          "resumeFrom: a dry run changes nothing, so it has nothing to carry on; remove dryRun or resumeFrom");
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
    return new UpgradeRequest(
        targetVersion,
        managementContext,
        namespace,
        installMethod,
        helmRelease,
        chart,
        helmValuesFiles,
        crdSource,
        meshctlPath,
        clusters,
        clusterContexts,
        remoteNamespace,
        clusterDomain,
        discoveryDeployment,
        networkingDeployment,
        poll,
        settle,
        discoveryTimeout,
        networkingTimeout,
        scaleTimeout,
        requireApproval,
        approvalTimeout,
        attentionTimeout,
        allowDowngrade,
        dryRun,
        registrationMethod,
        registrationConcurrency,
        agentCharts,
        approvers,
        requestedBy.trim(),
        allowSelfApproval,
        approvalReminder == null ? RequestDefaults.APPROVAL_REMINDER : approvalReminder,
        resumeFrom);
  }

  private static String suggestion(String unknown) {
    return FIELDS.stream()
        .filter(
            f ->
                f.equalsIgnoreCase(unknown)
                    || f.toLowerCase().contains(unknown.toLowerCase()) && unknown.length() >= 4)
        .findFirst()
        .map(f -> ", did you mean \"" + f + "\"?")
        .orElse("");
  }

  private String version(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      problems.add(
          field + ": required, the Gloo Mesh version to upgrade to, for example \"0.11.3\"");
      return null;
    }
    if (!node.isTextual()) {
      problems.add(field + ": must be a string such as \"0.11.3\", got " + node);
      return null;
    }
    String raw = node.asText().trim();
    String candidate = raw.startsWith("v") ? raw.substring(1) : raw;
    Semver semver = Semver.parse(candidate);
    if (semver == null) {
      problems.add(field + ": \"" + raw + "\" is not a version like 0.11.3");
      return null;
    }
    return semver.getVersion();
  }

  private String text(String field, String fallback, Function<String, String> check) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isTextual()) {
      problems.add(field + ": must be a string, got " + node);
      return fallback;
    }
    String value = node.asText().trim();
    if (value.isEmpty()) {
      return fallback;
    }
    String problem = check.apply(value);
    if (problem != null) {
      problems.add(field + ": \"" + value + "\" " + problem);
    }
    return value;
  }

  private String notBlank(String value) {
    return value.isBlank() ? "must not be blank" : null;
  }

  private String noWhitespace(String value) {
    return value.chars().anyMatch(Character::isWhitespace) ? "must not contain spaces" : null;
  }

  private String dnsLabel(String value) {
    return value.length() <= DNS_LABEL_MAX && DNS_LABEL.matcher(value).matches()
        ? null
        : "is not a valid Kubernetes name (lower-case letters, digits and '-', at most 63)";
  }

  private String dnsSubdomain(String value) {
    return value.length() <= 253 && DNS_SUBDOMAIN.matcher(value).matches()
        ? null
        : "is not a valid Kubernetes name (lower-case letters, digits, '-' and '.')";
  }

  private InstallMethod installMethod() {
    JsonNode node = root.get("installMethod");
    if (node == null || node.isNull()) {
      return RequestDefaults.INSTALL_METHOD;
    }
    String value = node.isTextual() ? node.asText().trim() : node.toString();
    return InstallMethod.fromWireName(value)
        .orElseGet(
            () -> {
              problems.add(
                  "installMethod: \"" + value + "\" is not one of helm, manifests, meshctl");
              return RequestDefaults.INSTALL_METHOD;
            });
  }

  private RegistrationMethod registrationMethod() {
    JsonNode node = root.get("registrationMethod");
    if (node == null || node.isNull()) {
      return RequestDefaults.REGISTRATION_METHOD;
    }
    String value = node.isTextual() ? node.asText().trim() : node.toString();
    return RegistrationMethod.fromWireName(value)
        .orElseGet(
            () -> {
              problems.add("registrationMethod: \"" + value + "\" is not one of native, meshctl");
              return RequestDefaults.REGISTRATION_METHOD;
            });
  }

  private int integer(String field, int fallback, int min, int max) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.canConvertToExactIntegral() || !node.canConvertToInt()) {
      problems.add(field + ": must be a whole number from " + min + " to " + max + ", got " + node);
      return fallback;
    }
    int value = node.intValue();
    if (value < min || value > max) {
      problems.add(field + ": " + value + " is outside " + min + " to " + max);
      return fallback;
    }
    return value;
  }

  private boolean bool(String field, boolean fallback) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
      return Boolean.parseBoolean(node.asText());
    }
    problems.add(field + ": must be true or false, got " + node);
    return fallback;
  }

  private Duration duration(String field, Duration fallback, Duration minimum) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isTextual()) {
      problems.add(
          field
              + ": must be a duration string such as \"15s\", \"2m\", \"1h30m\" or \"PT15S\", got "
              + node);
      return null;
    }
    Duration d = DurationText.parse(node.asText()).orElse(null);
    if (d == null) {
      problems.add(
          field
              + ": \""
              + node.asText()
              + "\" is not a duration such as \"15s\", \"2m\", \"1h30m\" or \"PT15S\"");
      return null;
    }
    if (d.compareTo(minimum) < 0) {
      problems.add(
          field
              + ": "
              + node.asText()
              + " is shorter than the minimum "
              + DurationText.format(minimum));
      return null;
    }
    if (d.compareTo(RequestDefaults.MAX_TIMEOUT) > 0) {
      problems.add(
          field
              + ": "
              + node.asText()
              + " is longer than the maximum "
              + DurationText.format(RequestDefaults.MAX_TIMEOUT));
      return null;
    }
    return d;
  }

  /**
   * Paths on the worker, not values: values can hold secrets (a license key), and the request is
   * kept in the workflow's history.
   */
  private List<String> helmValuesFiles() {
    JsonNode node = root.get("helmValuesFiles");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      problems.add(
          "helmValuesFiles: must be a list of paths of Helm values files on the worker, got "
              + node);
      return List.of();
    }
    List<String> files = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual() || item.asText().isBlank()) {
        problems.add(
            "helmValuesFiles["
                + i
                + "]: must be the path of a values file on the worker, got "
                + item);
      } else {
        files.add(item.asText().trim());
      }
    }
    return files;
  }

  private List<String> clusters() {
    JsonNode node = root.get("clusters");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      problems.add("clusters: must be a list of registered cluster names, got " + node);
      return List.of();
    }
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String where = "clusters[" + i + "]";
      if (!item.isTextual()) {
        problems.add(where + ": must be a string, got " + item);
        continue;
      }
      String name = item.asText().trim();
      String problem = dnsSubdomain(name);
      if (problem != null) {
        problems.add(where + ": \"" + name + "\" " + problem);
      } else if (!seen.add(name)) {
        problems.add(where + ": \"" + name + "\" is listed twice");
      }
    }
    return new ArrayList<>(seen);
  }

  /** A list of people's names, each non-blank and listed once. */
  private List<String> names(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      problems.add(field + ": must be a list of names, got " + node);
      return List.of();
    }
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String where = field + "[" + i + "]";
      if (!item.isTextual() || item.asText().isBlank()) {
        problems.add(where + ": must be a non-empty string, got " + item);
      } else if (!seen.add(item.asText().trim())) {
        problems.add(where + ": \"" + item.asText().trim() + "\" is listed twice");
      }
    }
    return new ArrayList<>(seen);
  }

  private Map<String, String> clusterContexts(List<String> clusters) {
    JsonNode node = root.get("clusterContexts");
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      problems.add(
          "clusterContexts: must be an object of cluster name to kubeconfig context, got " + node);
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    node.fields()
        .forEachRemaining(
            e -> {
              String where = "clusterContexts." + e.getKey();
              if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                problems.add(
                    where + ": must be a non-empty kubeconfig context name, got " + e.getValue());
              } else if (!clusters.isEmpty() && !clusters.contains(e.getKey())) {
                problems.add(where + ": \"" + e.getKey() + "\" is not in clusters " + clusters);
              } else {
                result.put(e.getKey(), e.getValue().asText().trim());
              }
            });
    return result;
  }

  /**
   * The earlier run to carry on: {"workflowId": "...", "runId": "..."}, or the workflow ID alone.
   */
  private ResumeFrom resumeFrom() {
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
          "resumeFrom: must be {\"workflowId\": \"...\", \"runId\": \"...\"} or a workflow ID, got "
              + node);
      return null;
    }
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!name.equals("workflowId") && !name.equals("runId")) {
                problems.add("resumeFrom." + name + ": unknown field (known: workflowId, runId)");
              }
            });
    JsonNode id = node.get("workflowId");
    if (id == null || !id.isTextual() || id.asText().isBlank()) {
      problems.add(
          "resumeFrom.workflowId: required, the earlier run's workflow ID, got "
              + (id == null ? "nothing" : id));
      return null;
    }
    JsonNode run = node.get("runId");
    if (run != null && !run.isNull() && !run.isTextual()) {
      problems.add("resumeFrom.runId: must be a string, got " + run);
      return null;
    }
    return new ResumeFrom(
        id.asText().trim(), run == null || run.isNull() ? "" : run.asText().trim());
  }
}
