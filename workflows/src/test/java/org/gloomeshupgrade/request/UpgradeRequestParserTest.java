package org.gloomeshupgrade.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpgradeRequestParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private static InvalidRequestException refusal(String text) throws Exception {
    JsonNode node = json(text);
    try {
      UpgradeRequestParser.parse(node);
    } catch (InvalidRequestException e) {
      return e;
    }
    throw new AssertionError("expected a refusal for " + text);
  }

  @Test
  void targetVersionAloneIsACompleteRequestWithDocumentedDefaults() throws Exception {
    UpgradeRequest r = UpgradeRequestParser.parse(json("{\"targetVersion\":\"0.11.3\"}"));

    assertThat(r.targetVersion()).isEqualTo("0.11.3");
    assertThat(r.managementContext()).isEqualTo(RequestDefaults.MANAGEMENT_CONTEXT);
    assertThat(r.namespace()).isEqualTo("gloo-mesh");
    assertThat(r.installMethod()).isEqualTo(InstallMethod.HELM);
    assertThat(r.helmRelease()).as("found from the cluster").isEmpty();
    assertThat(r.chart()).isEqualTo(RequestDefaults.CHART_REPOSITORY);
    assertThat(r.clusters()).isEmpty();
    assertThat(r.discoveryDeployment()).isEqualTo("discovery");
    assertThat(r.networkingDeployment()).isEqualTo("networking");
    assertThat(r.discoveryPollInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(r.discoverySettleWindow()).isEqualTo(Duration.ofMinutes(2));
    assertThat(r.discoveryTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(r.requireApproval()).isTrue();
    assertThat(r.approvalTimeout()).isEqualTo(Duration.ofHours(24));
    assertThat(r.allowDowngrade()).isFalse();
    assertThat(r.dryRun()).isFalse();
    assertThat(r.registrationMethod()).isEqualTo(RegistrationMethod.NATIVE);
    assertThat(r.registrationConcurrency()).isEqualTo(5);
    assertThat(r.agentCharts()).as("beside the chart repository").isEmpty();
  }

  @Test
  void everyFieldIsReadFromItsWireName() throws Exception {
    UpgradeRequest r =
        UpgradeRequestParser.parse(
            json(
                """
        {"targetVersion":"v0.12.8","managementContext":"prod-mgmt","namespace":"mesh","installMethod":"manifests",
         "helmRelease":"gm","chart":"/charts/gloo-mesh","crdSource":"/crds","clusters":["east","west"],
         "clusterContexts":{"east":"ctx-east"},"remoteNamespace":"gm-remote","clusterDomain":"corp.local",
         "discoveryDeployment":"disc","networkingDeployment":"net","discoveryPollInterval":"6s",
         "discoverySettleWindow":"PT1M","discoveryTimeout":"1h30m","networkingTimeout":"5m","scaleTimeout":"90s",
         "requireApproval":false,"approvalTimeout":"2h","attentionTimeout":"1d","allowDowngrade":true,"dryRun":true,
         "registrationMethod":"meshctl","registrationConcurrency":20,"meshctlPath":"/bin/meshctl"}
        """));

    assertThat(r.targetVersion()).isEqualTo("0.12.8");
    assertThat(r.managementContext()).isEqualTo("prod-mgmt");
    assertThat(r.namespace()).isEqualTo("mesh");
    assertThat(r.installMethod()).isEqualTo(InstallMethod.MANIFESTS);
    assertThat(r.clusters()).containsExactly("east", "west");
    assertThat(r.contextOf("east")).isEqualTo("ctx-east");
    assertThat(r.contextOf("west")).isEqualTo("west");
    assertThat(r.discoveryPollInterval()).isEqualTo(Duration.ofSeconds(6));
    assertThat(r.discoverySettleWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(r.discoveryTimeout()).isEqualTo(Duration.ofMinutes(90));
    assertThat(r.scaleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(r.attentionTimeout()).isEqualTo(Duration.ofDays(1));
    assertThat(r.requireApproval()).isFalse();
    assertThat(r.allowDowngrade()).isTrue();
    assertThat(r.dryRun()).isTrue();
    assertThat(r.registrationMethod()).isEqualTo(RegistrationMethod.MESHCTL);
    assertThat(r.registrationConcurrency()).isEqualTo(20);
    assertThat(r.meshctlPath()).isEqualTo("/bin/meshctl");
  }

  @Test
  void unknownFieldsAreNamedWithASuggestion() throws Exception {
    InvalidRequestException e =
        refusal("{\"targetVersion\":\"0.11.3\",\"targetversion\":\"x\",\"colour\":1}");

    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems().get(0))
        .contains("unknown field \"targetversion\"")
        .contains("did you mean \"targetVersion\"");
    assertThat(e.problems().get(1)).contains("unknown field \"colour\"");
  }

  @Test
  void everyInvalidValueIsReportedWithItsField() throws Exception {
    InvalidRequestException e =
        refusal(
            """
        {"targetVersion":"latest","namespace":"Gloo_Mesh","installMethod":"kubectl","discoveryPollInterval":"soon",
         "requireApproval":"yes","clusters":["a","a",3],"approvalTimeout":"1ms"}
        """);

    assertThat(e.getMessage()).startsWith("invalid upgrade request: ");
    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).startsWith("targetVersion: \"latest\""))
        .anySatisfy(p -> assertThat(p).startsWith("namespace: \"Gloo_Mesh\""))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "installMethod: \"kubectl\" is not one of helm, manifests, meshctl"))
        .anySatisfy(p -> assertThat(p).startsWith("discoveryPollInterval: \"soon\""))
        .anySatisfy(p -> assertThat(p).startsWith("requireApproval: must be true or false"))
        .anySatisfy(p -> assertThat(p).startsWith("clusters[1]: \"a\" is listed twice"))
        .anySatisfy(p -> assertThat(p).startsWith("clusters[2]: must be a string"))
        .anySatisfy(
            p -> assertThat(p).startsWith("approvalTimeout: 1ms is shorter than the minimum 1s"));
  }

  @Test
  void missingOrNonObjectInputIsRefusedWithAnExample() throws Exception {
    assertThatThrownBy(() -> UpgradeRequestParser.parse(null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("targetVersion");
    assertThat(refusal("\"0.11.3\"").getMessage()).contains("must be a JSON object");
    assertThat(refusal("{}").problems())
        .containsExactly(
            "targetVersion: required, the Gloo Mesh version to upgrade to, for example \"0.11.3\"");
  }

  @Test
  void durationsOutsideTheirBoundsAreRefusedWithTheBound() throws Exception {
    InvalidRequestException e =
        refusal(
            """
        {"targetVersion":"0.11.3","networkingTimeout":"800h","discoveryPollInterval":"10ms","scaleTimeout":15}
        """);

    assertThat(e.problems())
        .containsExactly(
            "discoveryPollInterval: 10ms is shorter than the minimum 100ms",
            "networkingTimeout: 800h is longer than the maximum 30d",
            "scaleTimeout: must be a duration string such as \"15s\", \"2m\", \"1h30m\" or"
                + " \"PT15S\", got 15");
  }

  @Test
  void timingsThatCannotWorkTogetherAreRefused() throws Exception {
    InvalidRequestException e =
        refusal(
            """
        {"targetVersion":"0.11.3","discoveryPollInterval":"1m","discoveryTimeout":"30s","discoverySettleWindow":"1h"}
        """);

    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).startsWith("discoveryTimeout: 30s must be longer"))
        .anySatisfy(p -> assertThat(p).startsWith("discoverySettleWindow: 1h must be shorter"));
  }

  @Test
  void contextsForClustersNotListedAreRefused() throws Exception {
    InvalidRequestException e =
        refusal(
            """
        {"targetVersion":"0.11.3","clusters":["east"],"clusterContexts":{"west":"ctx-west"}}
        """);

    assertThat(e.problems())
        .containsExactly("clusterContexts.west: \"west\" is not in clusters [east]");
  }

  @Test
  void helmValuesFilesArePathsInOrderAndOnlyForHelmOrManifests() throws Exception {
    UpgradeRequest r =
        UpgradeRequestParser.parse(
            json(
                "{\"targetVersion\":\"0.11.3\",\"helmValuesFiles\":[\"/etc/gmu/base.yaml\",\" /etc/gmu/site.yaml \"]}"));
    assertThat(r.helmValuesFiles()).containsExactly("/etc/gmu/base.yaml", "/etc/gmu/site.yaml");
    assertThat(UpgradeRequestParser.parse(json("{\"targetVersion\":\"0.11.3\"}")).helmValuesFiles())
        .isEmpty();

    assertThat(
            refusal("{\"targetVersion\":\"0.11.3\",\"helmValuesFiles\":{\"licenseKey\":\"x\"}}")
                .problems())
        .containsExactly(
            "helmValuesFiles: must be a list of paths of Helm values files on the worker, got "
                + "{\"licenseKey\":\"x\"}");
    assertThat(
            refusal("{\"targetVersion\":\"0.11.3\",\"helmValuesFiles\":[\"a.yaml\",\" \",3]}")
                .problems())
        .containsExactly(
            "helmValuesFiles[1]: must be the path of a values file on the worker, got \" \"",
            "helmValuesFiles[2]: must be the path of a values file on the worker, got 3");
    assertThat(
            refusal(
                    "{\"targetVersion\":\"0.11.3\",\"installMethod\":\"meshctl\","
                        + "\"helmValuesFiles\":[\"a.yaml\"]}")
                .problems())
        .containsExactly(
            "helmValuesFiles: only used with installMethod \"helm\" or \"manifests\", but installMethod"
                + " is \"meshctl\"");
  }

  @Test
  void aUrlWithCredentialsIsRefusedWithoutRepeatingThem() throws Exception {
    String request =
        """
        {"targetVersion":"0.11.3","chart":"https://ci:s3cret@charts.example.com/gm?sig=t0ken"}""";

    assertThat(refusal(request).problems())
        .singleElement()
        .asString()
        .startsWith(
            "chart: a URL with credentials is refused (https://***@charts.example.com/gm?***)")
        .doesNotContain("s3cret")
        .doesNotContain("t0ken");
    // Runs that started before the rule replay as they ran.
    assertThat(
            UpgradeRequestParser.parse(
                    new ObjectMapper().readTree(request),
                    UpgradeRequestParser.Rules.BEFORE_SOURCE_FORMS)
                .chart())
        .isEqualTo("https://ci:s3cret@charts.example.com/gm?sig=t0ken");
  }

  @Test
  void notifyNoteIsOneLineOfTextWithoutAUrlAndUnknownToRunsRecordedBeforeIt() throws Exception {
    String request = "{\"targetVersion\":\"0.11.3\",\"notifyNote\":\"#mesh @oncall\"}";
    assertThat(UpgradeRequestParser.parse(new ObjectMapper().readTree(request)).notifyNote())
        .isEqualTo("#mesh @oncall");
    assertThat(
            refusal("{\"targetVersion\":\"0.11.3\",\"notifyNote\":\"see http://x.example/h\"}")
                .problems())
        .singleElement()
        .asString()
        .startsWith("notifyNote: ")
        .endsWith("must not contain a URL: destinations are configured on the worker");
    assertThat(
            refusal(
                    "{\"targetVersion\":\"0.11.3\",\"notifyNote\":\"%s\"}"
                        .formatted("x".repeat(201)))
                .problems())
        .singleElement()
        .asString()
        .endsWith("is longer than 200 characters");
    // A run recorded before the field existed refused it, and replays so.
    assertThatThrownBy(
            () ->
                UpgradeRequestParser.parse(
                    new ObjectMapper().readTree(request),
                    UpgradeRequestParser.Rules.BEFORE_NOTIFY_NOTE))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("unknown field \"notifyNote\"");
  }

  @Test
  void meshctlPathWithoutMeshctlInstallIsRefused() throws Exception {
    assertThat(
            refusal("{\"targetVersion\":\"0.11.3\",\"meshctlPath\":\"/usr/bin/meshctl\"}")
                .problems())
        .containsExactly(
            "meshctlPath: only used with installMethod or registrationMethod \"meshctl\", but "
                + "installMethod is \"helm\" and registrationMethod \"native\"");
  }

  @Test
  void registrationSettingsOutOfRangeOrContradictoryAreRefusedNamingTheField() throws Exception {
    assertThat(
            refusal(
                    "{\"targetVersion\":\"0.11.3\",\"registrationConcurrency\":0,\"registrationMethod\":\"kubectl\"}")
                .problems())
        .containsExactly(
            "registrationMethod: \"kubectl\" is not one of native, meshctl",
            "registrationConcurrency: 0 is outside 1 to 50");
    assertThat(refusal("{\"targetVersion\":\"0.11.3\",\"registrationConcurrency\":2.5}").problems())
        .containsExactly("registrationConcurrency: must be a whole number from 1 to 50, got 2.5");
    assertThat(
            refusal(
                    "{\"targetVersion\":\"0.11.3\",\"registrationMethod\":\"meshctl\",\"agentCharts\":\"/c\"}")
                .problems())
        .singleElement()
        .asString()
        .startsWith("agentCharts: meshctl cluster register installs");
  }

  @Test
  void approvalRulesAreReadAndContradictionsRefused() throws Exception {
    UpgradeRequest r =
        UpgradeRequestParser.parse(
            json(
                "{\"targetVersion\":\"0.11.3\",\"approvers\":[\"alice\",\"bob\"],"
                    + "\"requestedBy\":\" bob \",\"approvalReminder\":\"30m\"}"));
    assertThat(r.approvers()).containsExactly("alice", "bob");
    assertThat(r.requestedBy()).isEqualTo("bob");
    assertThat(r.allowSelfApproval()).isFalse();
    assertThat(r.approvalReminder()).isEqualTo(Duration.ofMinutes(30));
    assertThat(
            UpgradeRequestParser.parse(json("{\"targetVersion\":\"0.11.3\"}")).approvalReminder())
        .isEqualTo(Duration.ofHours(1));

    assertThat(
            refusal(
                    "{\"targetVersion\":\"0.11.3\",\"approvers\":[\"bob\"],\"requestedBy\":\"bob\"}")
                .problems())
        .singleElement()
        .asString()
        .startsWith("approvers: the only approver, \"bob\", is the requester");
    assertThat(
            refusal("{\"targetVersion\":\"0.11.3\",\"approvers\":[\"a\",\"a\",\" \"]}").problems())
        .containsExactly(
            "approvers[1]: \"a\" is listed twice",
            "approvers[2]: must be a non-empty string, got \" \"");
    assertThat(refusal("{\"targetVersion\":\"0.11.3\",\"approvalReminder\":\"2d\"}").problems())
        .containsExactly("approvalReminder: 2d must be shorter than approvalTimeout (1d)");
  }

  @Test
  void resumeFromNamesTheEarlierRunByObjectOrByWorkflowId() throws Exception {
    UpgradeRequest pinned =
        UpgradeRequestParser.parse(
            json(
                "{\"targetVersion\":\"0.11.3\",\"resumeFrom\":{\"workflowId\":\"gloo-mesh-upgrade-mgmt\",\"runId\":\"r-1\"}}"));
    UpgradeRequest latest =
        UpgradeRequestParser.parse(
            json("{\"targetVersion\":\"0.11.3\",\"resumeFrom\":\"gloo-mesh-upgrade-mgmt\"}"));

    assertThat(pinned.resumeFrom()).isEqualTo(new ResumeFrom("gloo-mesh-upgrade-mgmt", "r-1"));
    assertThat(pinned.resumeFrom().describe()).isEqualTo("gloo-mesh-upgrade-mgmt/r-1");
    assertThat(latest.resumeFrom()).isEqualTo(new ResumeFrom("gloo-mesh-upgrade-mgmt", ""));
    assertThat(latest.resumes()).isTrue();
    assertThat(UpgradeRequestParser.parse(json("{\"targetVersion\":\"0.11.3\"}")).resumes())
        .isFalse();
  }

  @Test
  void aBadResumeFromIsRefusedNamingItsField() throws Exception {
    assertThat(
            refusal(
                    "{\"targetVersion\":\"0.11.3\",\"resumeFrom\":{\"runId\":\"r-1\",\"colour\":1}}")
                .problems())
        .containsExactlyInAnyOrder(
            "resumeFrom.colour: unknown field (known: workflowId, runId)",
            "resumeFrom.workflowId: required, the earlier run's workflow ID, got nothing");
    assertThat(refusal("{\"targetVersion\":\"0.11.3\",\"resumeFrom\":[1]}").problems())
        .singleElement()
        .asString()
        .startsWith("resumeFrom: must be {\"workflowId\"");
    assertThat(
            refusal(
                    "{\"targetVersion\":\"0.11.3\",\"resumeFrom\":{\"workflowId\":\"w\",\"runId\":7}}")
                .problems())
        .containsExactly("resumeFrom.runId: must be a string, got 7");
    assertThat(
            refusal("{\"targetVersion\":\"0.11.3\",\"dryRun\":true,\"resumeFrom\":\"w\"}")
                .problems())
        .singleElement()
        .asString()
        .startsWith("resumeFrom: a dry run changes nothing");
  }
}
