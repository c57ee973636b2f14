package org.gloomeshupgrade.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the JSON a person typed (Temporal UI, Temporal CLI, our CLI) into an {@link
 * UpgradeRequest}, collecting every problem with the field it concerns. Pure code: it runs inside
 * workflow code.
 */
public final class UpgradeRequestParser {
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

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
          "resumeFrom",
          "notifyNote");

  /** Which rules a request is held to. */
  public enum Rules {
    /**
     * The rules of runs that started before the workflow change "request-limits": without the
     * limits on sizes, the relations between deployments, settle window and poll interval, and the
     * cluster names of native registration. Only for replaying those runs.
     */
    BEFORE_LIMITS,
    /**
     * The rules of runs that started under version 1 of "request-limits": without the form of the
     * fields naming what the worker reads or runs (SourceForms). Only for replaying those runs.
     */
    BEFORE_SOURCE_FORMS,
    /**
     * The rules of runs that started under version 2 of "request-limits": every rule, but {@code
     * notifyNote} is an unknown field, as it was then. Only for replaying those runs.
     */
    BEFORE_NOTIFY_NOTE,
    /** Every rule: what new runs, and `gmu`, hold a request to. */
    ALL;

    /** Whether the form of the fields naming what the worker reads or runs is checked. */
    boolean sourceForms() {
      return this == BEFORE_NOTIFY_NOTE || this == ALL;
    }

    /** Whether requests are held to the limits on sizes and the relations between fields. */
    boolean limits() {
      return this != BEFORE_LIMITS;
    }
  }

  private final List<String> problems = new ArrayList<>();
  private final JsonNode root;
  private final Rules rules;
  private final ScalarFields scalar;
  private final ListFields lists;

  private UpgradeRequestParser(JsonNode root, Rules rules) {
    this.root = root;
    this.rules = rules;
    this.scalar = new ScalarFields(root, problems);
    this.lists = new ListFields(root, problems);
  }

  /**
   * Parses and validates with every rule.
   *
   * @throws InvalidRequestException naming every bad field
   */
  public static UpgradeRequest parse(JsonNode json) {
    return parse(json, Rules.ALL);
  }

  /**
   * Parses and validates.
   *
   * @throws InvalidRequestException naming every bad field, and never anything else
   */
  public static UpgradeRequest parse(JsonNode json, Rules rules) {
    if (json == null || json.isNull() || json.isMissingNode()) {
      throw new InvalidRequestException(
          List.of("the input is empty: give at least {\"targetVersion\":\"<version>\"}"));
    }
    if (!json.isObject()) {
      throw new InvalidRequestException(
          List.of(
              "the input must be a JSON object such as {\"targetVersion\":\"0.11.3\"}, got %s"
                  .formatted(json.getNodeType())));
    }
    try {
      return new UpgradeRequestParser(json, rules).build();
    } catch (InvalidRequestException e) {
      throw e;
    } catch (RuntimeException e) {
      // Every check should name its field; one that throws instead still refuses the request,
      // rather than failing the workflow task on every attempt.
      throw new InvalidRequestException(List.of("the request could not be read: %s".formatted(e)));
    }
  }

  private UpgradeRequest build() {
    rejectUnknownFields();
    if (rules.limits()) {
      RequestLimits.check(root, problems);
    }
    if (rules.sourceForms()) {
      SourceForms.check(root, problems);
    }
    String targetVersion = scalar.version("targetVersion");
    String managementContext =
        scalar.text(
            "managementContext", RequestDefaults.MANAGEMENT_CONTEXT, NameRules::noWhitespace);
    String namespace = scalar.text("namespace", RequestDefaults.NAMESPACE, NameRules::dnsLabel);
    InstallMethod installMethod =
        scalar.choice(
            "installMethod",
            RequestDefaults.INSTALL_METHOD,
            InstallMethod::fromWireName,
            "helm, manifests, meshctl");
    String helmRelease =
        scalar.text("helmRelease", RequestDefaults.HELM_RELEASE, NameRules::dnsSubdomain);
    String chart = scalar.text("chart", RequestDefaults.CHART_REPOSITORY, NameRules::notBlank);
    List<String> helmValuesFiles = lists.helmValuesFiles();
    String crdSource = scalar.text("crdSource", RequestDefaults.CRD_SOURCE, NameRules::anything);
    String meshctlPath =
        scalar.text("meshctlPath", RequestDefaults.MESHCTL_PATH, NameRules::anything);
    List<String> clusters = lists.clusters();
    Map<String, String> clusterContexts = lists.clusterContexts(clusters);
    String remoteNamespace =
        scalar.text("remoteNamespace", RequestDefaults.REMOTE_NAMESPACE, NameRules::dnsLabel);
    String clusterDomain =
        scalar.text("clusterDomain", RequestDefaults.CLUSTER_DOMAIN, NameRules::dnsSubdomain);
    String discoveryDeployment =
        scalar.text(
            "discoveryDeployment", RequestDefaults.DISCOVERY_DEPLOYMENT, NameRules::dnsSubdomain);
    String networkingDeployment =
        scalar.text(
            "networkingDeployment", RequestDefaults.NETWORKING_DEPLOYMENT, NameRules::dnsSubdomain);
    Duration poll =
        scalar.duration(
            "discoveryPollInterval",
            RequestDefaults.DISCOVERY_POLL_INTERVAL,
            RequestDefaults.MIN_POLL_INTERVAL);
    Duration settle =
        scalar.duration(
            "discoverySettleWindow", RequestDefaults.DISCOVERY_SETTLE_WINDOW, Duration.ZERO);
    Duration discoveryTimeout =
        scalar.duration(
            "discoveryTimeout",
            RequestDefaults.DISCOVERY_TIMEOUT,
            RequestDefaults.MIN_POLL_INTERVAL);
    Duration networkingTimeout =
        scalar.duration(
            "networkingTimeout",
            RequestDefaults.NETWORKING_TIMEOUT,
            RequestDefaults.MIN_POLL_INTERVAL);
    Duration scaleTimeout =
        scalar.duration("scaleTimeout", RequestDefaults.SCALE_TIMEOUT, ONE_SECOND);
    boolean requireApproval = scalar.bool("requireApproval", RequestDefaults.REQUIRE_APPROVAL);
    Duration approvalTimeout =
        scalar.duration("approvalTimeout", RequestDefaults.APPROVAL_TIMEOUT, ONE_SECOND);
    Duration attentionTimeout =
        scalar.duration("attentionTimeout", RequestDefaults.ATTENTION_TIMEOUT, ONE_SECOND);
    boolean allowDowngrade = scalar.bool("allowDowngrade", RequestDefaults.ALLOW_DOWNGRADE);
    boolean dryRun = scalar.bool("dryRun", RequestDefaults.DRY_RUN);
    RegistrationMethod registrationMethod =
        scalar.choice(
            "registrationMethod",
            RequestDefaults.REGISTRATION_METHOD,
            RegistrationMethod::fromWireName,
            "native, meshctl");
    int registrationConcurrency =
        scalar.integer(
            "registrationConcurrency",
            RequestDefaults.REGISTRATION_CONCURRENCY,
            1,
            RequestDefaults.MAX_REGISTRATION_CONCURRENCY);
    String agentCharts =
        scalar.text("agentCharts", RequestDefaults.AGENT_CHARTS, NameRules::anything);
    List<String> approvers = lists.names("approvers");
    String requestedBy =
        scalar.text("requestedBy", RequestDefaults.REQUESTED_BY, NameRules::anything);
    boolean allowSelfApproval =
        scalar.bool("allowSelfApproval", RequestDefaults.ALLOW_SELF_APPROVAL);
    Duration approvalReminder =
        scalar.duration("approvalReminder", RequestDefaults.APPROVAL_REMINDER, ONE_SECOND);
    ResumeFrom resumeFrom = lists.resumeFrom();
    String notifyNote =
        this.rules == Rules.ALL
            ? scalar.text("notifyNote", RequestDefaults.NOTIFY_NOTE, NameRules::noteForPeople)
            : RequestDefaults.NOTIFY_NOTE;

    CrossFieldRules rules = new CrossFieldRules(root, problems);
    rules.pollShorterThanTimeout(poll, discoveryTimeout);
    rules.settleShorterThanTimeout(settle, discoveryTimeout);
    rules.meshctlPathOnlyWithMeshctl(installMethod, registrationMethod);
    rules.reminderShorterThanTimeout(approvalReminder, approvalTimeout);
    rules.someoneElseMayApprove(requestedBy, allowSelfApproval, approvers);
    rules.agentChartsOnlyWithNative(registrationMethod);
    rules.valuesFilesOnlyWithHelmOrManifests(installMethod, helmValuesFiles);
    rules.noResumeInDryRun(resumeFrom, dryRun);
    if (this.rules.limits()) {
      rules.distinctDeployments(discoveryDeployment, networkingDeployment);
      rules.settleWindowCoversAPoll(poll, settle);
      rules.pollsWithinTheHistoryBudget(poll, discoveryTimeout, networkingTimeout);
      rules.clusterNamesRegistrationAccepts(clusters, registrationMethod);
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
        resumeFrom,
        notifyNote);
  }

  private void rejectUnknownFields() {
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FIELDS.contains(name) || (name.equals("notifyNote") && rules != Rules.ALL)) {
        problems.add(
            "unknown field \"%s\"%s (known fields: %s)"
                .formatted(name, suggestion(name), String.join(", ", FIELDS)));
      }
    }
  }

  /** The known field the person most likely meant: same letters, or containing what they typed. */
  private static String suggestion(String unknown) {
    String typed = unknown.toLowerCase(Locale.ROOT);
    return FIELDS.stream()
        .filter(
            f ->
                f.equalsIgnoreCase(unknown)
                    || (unknown.length() >= 4 && f.toLowerCase(Locale.ROOT).contains(typed)))
        .findFirst()
        .map(f -> ", did you mean \"%s\"?".formatted(f))
        .orElse("");
  }
}
