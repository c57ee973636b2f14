package org.gloomeshupgrade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The request fields as flags. Only the flags given are written, so every other field keeps the
 * default the workflow documents; flags override fields of {@code --input}.
 */
public final class RequestOptions {
  @Option(names = "--input", description = "A JSON request file; flags override its fields.")
  Path input;

  @Option(
      names = {"-t", "--target-version"},
      description = "Gloo Mesh version to upgrade to, e.g. 0.11.3.")
  String targetVersion;

  @Option(
      names = "--context",
      description = "Management cluster kubeconfig context (default: the worker's).")
  String managementContext;

  @Option(names = "--mesh-namespace", description = "Gloo Mesh namespace (default gloo-mesh).")
  String namespace;

  @Option(names = "--install-method", description = "helm, manifests or meshctl (default helm).")
  String installMethod;

  @Option(
      names = "--helm-release",
      description = "Helm release name (default: found from the cluster).")
  String helmRelease;

  @Option(names = "--chart", description = "Chart repository URL, local .tgz or chart folder.")
  String chart;

  @Option(
      names = "--helm-values",
      description =
          "Helm values file on the worker, applied over the release's values;"
              + " repeatable, in order.")
  List<String> helmValuesFiles;

  @Option(
      names = "--crd-source",
      description =
          "Where the target's CRDs come from: a folder or file, a chart"
              + " (.tgz or folder), 'chart' (those of --chart), or a base URL (default: public repository).")
  String crdSource;

  @Option(names = "--meshctl", description = "meshctl binary (installMethod meshctl).")
  String meshctlPath;

  @Option(
      names = "--cluster",
      description =
          "Cluster to re-register, as name or name=context; repeatable (default: all registered).")
  List<String> clusters;

  @Option(names = "--registration-method", description = "native or meshctl (default native).")
  String registrationMethod;

  @Option(
      names = "--registration-concurrency",
      description = "How many clusters are re-registered at once, 1 to 50" + " (default 5).")
  Integer registrationConcurrency;

  @Option(
      names = "--agent-charts",
      description =
          "Where the agent charts come from (default: beside --chart);"
              + " 'none' leaves the agents as they are.")
  String agentCharts;

  @Option(names = "--discovery-poll-interval", description = "e.g. 15s")
  String discoveryPollInterval;

  @Option(names = "--discovery-settle-window", description = "e.g. 2m")
  String discoverySettleWindow;

  @Option(names = "--discovery-timeout", description = "e.g. 30m")
  String discoveryTimeout;

  @Option(names = "--networking-timeout", description = "e.g. 10m")
  String networkingTimeout;

  @Option(names = "--approval-timeout", description = "e.g. 24h")
  String approvalTimeout;

  @Option(
      names = "--approver",
      description =
          "Who may approve, SKIP a failed step, ACCEPT conformance "
              + "problems or ROLLBACK; repeatable (default: anyone).")
  List<String> approvers;

  @Option(
      names = "--requested-by",
      defaultValue = "${sys:user.name}",
      description =
          "Who asks for the upgrade, who may then not approve it, SKIP, ACCEPT or ROLLBACK "
              + "(default: your user name).")
  String requestedBy;

  @Option(
      names = "--allow-self-approval",
      description = "Let the requester approve their own upgrade, SKIP, ACCEPT and ROLLBACK.")
  Boolean allowSelfApproval;

  @Option(
      names = "--approval-reminder",
      description = "e.g. 1h: when to remind that an approval is awaited")
  String approvalReminder;

  @Option(
      names = "--no-approval",
      description = "Scale networking up without waiting for a person.")
  Boolean noApproval;

  @Option(
      names = "--allow-downgrade",
      description = "Allow a target older than the running version.")
  Boolean allowDowngrade;

  @Option(
      names = "--dry-run",
      description =
          "Preflight, tooling, and the CRDs and control plane as a server-side dry"
              + " run; change nothing.")
  Boolean dryRun;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The request as the workflow receives it. */
  public ObjectNode toJson() throws IOException {
    ObjectNode request = input == null ? JSON.createObjectNode() : readObject(input);
    put(request, "targetVersion", targetVersion);
    put(request, "managementContext", managementContext);
    put(request, "namespace", namespace);
    put(request, "installMethod", installMethod);
    put(request, "helmRelease", helmRelease);
    put(request, "chart", chart);
    put(request, "crdSource", crdSource);
    if (helmValuesFiles != null && !helmValuesFiles.isEmpty()) {
      ArrayNode files = request.putArray("helmValuesFiles");
      helmValuesFiles.forEach(files::add);
    }
    put(request, "meshctlPath", meshctlPath);
    put(request, "registrationMethod", registrationMethod);
    if (registrationConcurrency != null) {
      request.put("registrationConcurrency", registrationConcurrency);
    }
    put(request, "agentCharts", agentCharts);
    put(request, "discoveryPollInterval", discoveryPollInterval);
    put(request, "discoverySettleWindow", discoverySettleWindow);
    put(request, "discoveryTimeout", discoveryTimeout);
    put(request, "networkingTimeout", networkingTimeout);
    put(request, "approvalTimeout", approvalTimeout);
    put(request, "approvalReminder", approvalReminder);
    if (approvers != null && !approvers.isEmpty()) {
      ArrayNode names = request.putArray("approvers");
      approvers.forEach(names::add);
    }
    if (requestedBy != null && !requestedBy.isBlank() && !request.has("requestedBy")) {
      request.put("requestedBy", requestedBy);
    }
    if (allowSelfApproval != null) {
      request.put("allowSelfApproval", allowSelfApproval);
    }
    if (Boolean.TRUE.equals(noApproval)) {
      request.put("requireApproval", false);
    }
    if (allowDowngrade != null) {
      request.put("allowDowngrade", allowDowngrade);
    }
    if (dryRun != null) {
      request.put("dryRun", dryRun);
    }
    if (clusters != null && !clusters.isEmpty()) {
      ArrayNode names = request.putArray("clusters");
      ObjectNode contexts = request.putObject("clusterContexts");
      for (String c : clusters) {
        String[] parts = c.split("=", 2);
        names.add(parts[0]);
        if (parts.length == 2) {
          contexts.put(parts[0], parts[1]);
        }
      }
      if (contexts.isEmpty()) {
        request.remove("clusterContexts");
      }
    }
    return request;
  }

  private static ObjectNode readObject(Path file) throws IOException {
    var node = JSON.readTree(Files.readString(file));
    if (!(node instanceof ObjectNode object)) {
      throw new IllegalArgumentException(
          file + " must hold a JSON object such as {\"targetVersion\":\"0.11.3\"}");
    }
    return object;
  }

  private static void put(ObjectNode request, String field, String value) {
    if (value != null) {
      request.put(field, value);
    }
  }
}
