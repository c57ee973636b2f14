package org.gloomeshupgrade.request;

import java.util.ArrayList;
import java.util.List;

/**
 * Requests that must be refused before anything runs, each with the start of the problem that names
 * its field: wrong types, forms, bounds, relations, sizes and encodings. Shared by the parser's
 * test and the workflow's.
 */
public final class BadRequests {
  private BadRequests() {}

  /**
   * @param json the whole request
   * @param field how the problem naming the field starts
   */
  public record Case(String name, String json, String field) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String LONG = "x".repeat(600);

  public static List<Case> all() {
    List<Case> cases = new ArrayList<>();
    // Types and forms
    cases.add(
        whole("no target version", "{\"namespace\":\"gloo-mesh\"}", "targetVersion: required"));
    cases.add(with("target version as a number", "\"targetVersion\":11", "targetVersion: must be"));
    cases.add(
        with("target version not a version", "\"targetVersion\":\"latest\"", "targetVersion:"));
    cases.add(bad("namespace with capitals", "\"namespace\":\"Gloo_Mesh\"", "namespace:"));
    cases.add(bad("namespace as a number", "\"namespace\":7", "namespace: must be a string"));
    cases.add(bad("unknown install method", "\"installMethod\":\"kubectl\"", "installMethod:"));
    cases.add(bad("release name with a space", "\"helmRelease\":\"my release\"", "helmRelease:"));
    cases.add(bad("values files not a list", "\"helmValuesFiles\":\"v.yaml\"", "helmValuesFiles:"));
    cases.add(bad("a blank values file", "\"helmValuesFiles\":[\"\"]", "helmValuesFiles[0]:"));
    cases.add(
        bad("a values file as a number", "\"helmValuesFiles\":[\"a\",5]", "helmValuesFiles[1]:"));
    cases.add(bad("clusters not a list", "\"clusters\":\"east\"", "clusters:"));
    cases.add(bad("a cluster twice", "\"clusters\":[\"east\",\"east\"]", "clusters[1]:"));
    cases.add(bad("a cluster with capitals", "\"clusters\":[\"East\"]", "clusters[0]:"));
    cases.add(bad("contexts as a list", "\"clusterContexts\":[\"a\"]", "clusterContexts:"));
    cases.add(
        bad(
            "a context for an unlisted cluster",
            "\"clusters\":[\"east\"],\"clusterContexts\":{\"west\":\"ctx\"}",
            "clusterContexts.west:"));
    cases.add(
        bad("remote namespace starting with -", "\"remoteNamespace\":\"-gm\"", "remoteNamespace:"));
    cases.add(
        bad("cluster domain with a space", "\"clusterDomain\":\"corp local\"", "clusterDomain:"));
    cases.add(
        bad(
            "poll interval in words",
            "\"discoveryPollInterval\":\"often\"",
            "discoveryPollInterval:"));
    cases.add(
        bad(
            "poll interval below 100ms",
            "\"discoveryPollInterval\":\"10ms\"",
            "discoveryPollInterval:"));
    cases.add(bad("timeout as a number", "\"discoveryTimeout\":30", "discoveryTimeout: must be"));
    cases.add(bad("timeout past 30 days", "\"networkingTimeout\":\"31d\"", "networkingTimeout:"));
    cases.add(
        bad(
            "a duration past what a long holds",
            "\"approvalTimeout\":\"99999999999999999999d\"",
            "approvalTimeout:"));
    cases.add(
        bad(
            "a duration past what a Duration holds",
            "\"scaleTimeout\":\"106751991167301d\"",
            "scaleTimeout:"));
    cases.add(
        bad(
            "an ISO duration past what a Duration holds",
            "\"attentionTimeout\":\"PT9999999999999999H\"",
            "attentionTimeout:"));
    cases.add(bad("approval as yes", "\"requireApproval\":\"yes\"", "requireApproval:"));
    cases.add(
        bad(
            "unknown registration method",
            "\"registrationMethod\":\"helm\"",
            "registrationMethod:"));
    cases.add(bad("concurrency 0", "\"registrationConcurrency\":0", "registrationConcurrency:"));
    cases.add(
        bad(
            "concurrency not whole",
            "\"registrationConcurrency\":1.5",
            "registrationConcurrency:"));
    cases.add(bad("approvers as one name", "\"approvers\":\"carol\"", "approvers:"));
    cases.add(bad("an approver twice", "\"approvers\":[\"carol\",\"carol\"]", "approvers[1]:"));
    cases.add(bad("resume from a number", "\"resumeFrom\":5", "resumeFrom:"));
    cases.add(
        bad(
            "resume from an unknown field",
            "\"resumeFrom\":{\"workflowId\":\"w\",\"run\":\"r\"}",
            "resumeFrom.run:"));
    cases.add(bad("an unknown field", "\"colour\":\"blue\"", "unknown field \"colour\""));
    // Relations
    cases.add(
        bad(
            "settle window past the timeout",
            "\"discoverySettleWindow\":\"40m\"",
            "discoverySettleWindow:"));
    cases.add(
        bad(
            "reminder past the approval timeout",
            "\"approvalReminder\":\"25h\"",
            "approvalReminder:"));
    cases.add(bad("meshctl path with helm", "\"meshctlPath\":\"/bin/meshctl\"", "meshctlPath:"));
    cases.add(
        bad(
            "agent charts with meshctl registration",
            "\"registrationMethod\":\"meshctl\",\"agentCharts\":\"none\"",
            "agentCharts:"));
    cases.add(
        bad(
            "values files with meshctl",
            "\"installMethod\":\"meshctl\",\"helmValuesFiles\":[\"v.yaml\"]",
            "helmValuesFiles:"));
    cases.add(bad("resume in a dry run", "\"dryRun\":true,\"resumeFrom\":\"w\"", "resumeFrom:"));
    cases.add(
        bad(
            "the requester as the only approver",
            "\"requestedBy\":\"alice\",\"approvers\":[\"alice\"]",
            "approvers:"));
    cases.add(
        bad(
            "networking deployment equal to discovery's",
            "\"discoveryDeployment\":\"gm\",\"networkingDeployment\":\"gm\"",
            "networkingDeployment:"));
    cases.add(
        bad("no settle window", "\"discoverySettleWindow\":\"0s\"", "discoverySettleWindow:"));
    cases.add(
        bad(
            "a settle window shorter than a poll",
            "\"discoveryPollInterval\":\"30s\",\"discoverySettleWindow\":\"10s\"",
            "discoverySettleWindow:"));
    cases.add(
        bad(
            "more discovery polls than a history holds",
            "\"discoveryPollInterval\":\"100ms\"",
            "discoveryPollInterval:"));
    cases.add(
        bad(
            "more networking polls than a history holds",
            "\"networkingTimeout\":\"30d\"",
            "discoveryPollInterval:"));
    cases.add(bad("a cluster name step 7 refuses", "\"clusters\":[\"east.corp\"]", "clusters[0]:"));
    // Sizes and encodings
    cases.add(
        with(
            "a version 100 characters long",
            "\"targetVersion\":\"0.11.3-" + "a".repeat(100) + "\"",
            "targetVersion:"));
    cases.add(
        bad("a requester 600 characters long", "\"requestedBy\":\"" + LONG + "\"", "requestedBy:"));
    cases.add(bad("a chart 600 characters long", "\"chart\":\"" + LONG + "\"", "chart:"));
    cases.add(bad("501 approvers", "\"approvers\":" + names(501), "approvers:"));
    cases.add(
        bad(
            "a context name 600 characters long",
            "\"clusterContexts\":{\"" + LONG + "\":\"ctx\"}",
            "clusterContexts:"));
    cases.add(
        bad(
            "a namespace of control characters",
            "\"namespace\":\"gm\\u0000\\u0007\"",
            "namespace:"));
    cases.add(
        bad("a requester ending in a bell", "\"requestedBy\":\"alice\\u0007\"", "requestedBy:"));
    cases.add(
        bad(
            "a context with a newline",
            "\"managementContext\":\"mgmt\\nprod\"",
            "managementContext:"));
    // Sources: what no worker should read, whatever it trusts
    cases.add(
        bad(
            "a chart URL with credentials",
            "\"chart\":\"https://ci:s3cret@charts.example.com/gloo-mesh\"",
            "chart: a URL with credentials"));
    cases.add(
        bad(
            "a chart URL with a user",
            "\"chart\":\"https://mirror-user@charts.example.com/gloo-mesh\"",
            "chart: a URL with credentials"));
    cases.add(
        bad(
            "a CRD source URL with a token in its query",
            "\"crdSource\":\"https://crds.example.com/crds/?token=abc\"",
            "crdSource: a URL with a query"));
    cases.add(
        bad("a CRD source as a file URL", "\"crdSource\":\"file:///etc/\"", "crdSource: only"));
    cases.add(
        bad(
            "a chart URL climbing with encoded dots",
            "\"chart\":\"https://storage.googleapis.com/gloo-mesh/%2e%2e/other\"",
            "chart: the URL's path"));
    cases.add(
        bad(
            "agent charts climbing a folder",
            "\"agentCharts\":\"/srv/charts/../../etc\"",
            "agentCharts:"));
    cases.add(
        bad(
            "a relative meshctl path",
            "\"installMethod\":\"meshctl\",\"meshctlPath\":\"bin/meshctl\"",
            "meshctlPath: must be an absolute path"));
    cases.add(
        bad(
            "a values file as a URL",
            "\"helmValuesFiles\":[\"https://values.example.com/prod.yaml\"]",
            "helmValuesFiles[0]: must be a path"));
    cases.add(
        bad(
            "a values file climbing out of its folder",
            "\"helmValuesFiles\":[\"/etc/gloo-mesh-upgrade/values/../../../root/.kube/config\"]",
            "helmValuesFiles[0]: must be a path"));
    return cases;
  }

  private static Case bad(String name, String fields, String field) {
    return new Case(name, "{\"targetVersion\":\"0.11.3\"," + fields + "}", field);
  }

  private static Case with(String name, String fields, String field) {
    return new Case(name, "{" + fields + "}", field);
  }

  private static Case whole(String name, String json, String field) {
    return new Case(name, json, field);
  }

  private static String names(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add("\"person-" + i + "\"");
    }
    return "[" + String.join(",", names) + "]";
  }
}
