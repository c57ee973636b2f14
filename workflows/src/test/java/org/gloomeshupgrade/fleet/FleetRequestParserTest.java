package org.gloomeshupgrade.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.gloomeshupgrade.request.InvalidRequestException;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.junit.jupiter.api.Test;

class FleetRequestParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String TWO_WAVES =
      """
      {"name":"mesh","targetVersion":"v0.12.8",
       "common":{"namespace":"mesh","requestedBy":"alice","scaleTimeout":"5m"},
       "waves":[
         {"name":"staging","contexts":["staging-mgmt"]},
         {"name":"prod","contexts":["prod-us","prod-eu"],"concurrency":2,
          "overrides":{"prod-eu":{"scaleTimeout":"10m","clusters":["eu-1","eu-2"]}}}]}
      """;

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private static List<String> problems(String text) throws Exception {
    JsonNode node = json(text);
    try {
      FleetRequestParser.parse(node);
    } catch (InvalidRequestException e) {
      return e.problems();
    }
    throw new AssertionError("expected a refusal for " + text);
  }

  /** A fleet of one wave holding {@code contexts} and, beside it, {@code extra} top-level JSON. */
  private static String fleet(String wave, String extra) {
    return """
        {"name":"mesh","targetVersion":"0.12.8","waves":[%s]%s}"""
        .formatted(wave, extra.isEmpty() ? "" : "," + extra);
  }

  @Test
  void twoWaveFleetParsesWithDefaults() throws Exception {
    FleetRequest fleet = FleetRequestParser.parse(json(TWO_WAVES));

    assertThat(fleet.targetVersion()).as("as the upgrade request reads it").isEqualTo("0.12.8");
    assertThat(fleet.soak()).isEqualTo(Duration.ofMinutes(30));
    assertThat(fleet.approval()).isEqualTo(FleetApproval.PER_PLANE);
    assertThat(fleet.waves()).extracting(FleetWave::name).containsExactly("staging", "prod");
    assertThat(fleet.waves().get(0).concurrency()).as("default").isEqualTo(1);
    assertThat(fleet.waves().get(0).overrides()).isEmpty();
    assertThat(fleet.waves().get(1).contexts()).containsExactly("prod-us", "prod-eu");
    assertThat(fleet.waves().get(1).concurrency()).isEqualTo(2);
    assertThat(fleet.waves().get(1).overrides()).containsOnlyKeys("prod-eu");
    assertThat(fleet.planes()).containsExactly("staging-mgmt", "prod-us", "prod-eu");
    assertThat(fleet.common()).isEqualTo(json(TWO_WAVES).get("common"));
  }

  @Test
  void eachPlanesRequestIsTheCommonFieldsThenItsOverrideWithVersionAndContext() throws Exception {
    FleetRequest fleet = FleetRequestParser.parse(json(TWO_WAVES));

    assertThat(fleet.requestFor("staging-mgmt"))
        .isEqualTo(
            json(
                """
                {"targetVersion":"0.12.8","managementContext":"staging-mgmt",
                 "namespace":"mesh","requestedBy":"alice","scaleTimeout":"5m"}
                """));
    assertThat(fleet.requestFor("prod-eu"))
        .isEqualTo(
            json(
                """
                {"targetVersion":"0.12.8","managementContext":"prod-eu","namespace":"mesh",
                 "requestedBy":"alice","scaleTimeout":"10m","clusters":["eu-1","eu-2"]}
                """));
    UpgradeRequest prodUs = UpgradeRequestParser.parse(fleet.requestFor("prod-us"));
    assertThat(prodUs.managementContext()).isEqualTo("prod-us");
    assertThat(prodUs.scaleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(prodUs.clusters()).isEmpty();
    UpgradeRequest prodEu = UpgradeRequestParser.parse(fleet.requestFor("prod-eu"));
    assertThat(prodEu.scaleTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(prodEu.clusters()).containsExactly("eu-1", "eu-2");
    assertThat(prodEu.namespace()).isEqualTo("mesh");
  }

  @Test
  void requestsHandedOutAreCopiesAndAnUnknownPlaneIsRefused() throws Exception {
    FleetRequest fleet = FleetRequestParser.parse(json(TWO_WAVES));

    ObjectNode request = fleet.requestFor("prod-eu");
    request.put("scaleTimeout", "1s");
    fleet.common().put("namespace", "other");
    fleet.waves().get(1).overrides().get("prod-eu").put("scaleTimeout", "2s");

    assertThat(fleet.requestFor("prod-eu").get("scaleTimeout").asText()).isEqualTo("10m");
    assertThat(fleet.requestFor("prod-eu").get("namespace").asText()).isEqualTo("mesh");
    assertThatThrownBy(() -> fleet.requestFor("dev"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"dev\" is not a plane of this fleet");
  }

  @Test
  void soakApprovalAndConcurrencyAreRead() throws Exception {
    FleetRequest noSoak =
        FleetRequestParser.parse(
            json(
                fleet(
                    "{\"name\":\"all\",\"contexts\":[\"a\",\"b\",\"c\"],\"concurrency\":3}",
                    "\"soak\":\"0s\",\"approval\":\"Per-Wave\"")));
    FleetRequest week =
        FleetRequestParser.parse(
            json(fleet("{\"name\":\"all\",\"contexts\":[\"a\"]}", "\"soak\":\"7d\"")));

    assertThat(noSoak.soak()).isZero();
    assertThat(noSoak.approval()).isEqualTo(FleetApproval.PER_WAVE);
    assertThat(noSoak.waves().get(0).concurrency()).isEqualTo(3);
    assertThat(week.soak()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void emptyOrNonObjectInputIsRefusedWithAnExample() throws Exception {
    assertThatThrownBy(() -> FleetRequestParser.parse(null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("the input is empty");
    assertThatThrownBy(() -> FleetRequestParser.parse(json("[1]")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(
            "must be a JSON object such as {\"name\":\"mesh\",\"targetVersion\":\"0.11.3\"");
  }

  @Test
  void targetVersionAndWavesAreRequired() throws Exception {
    assertThat(problems("{}"))
        .containsExactly(
            "name: required, a Kubernetes name for the fleet such as \"mesh-0-12\" (its workflow ID"
                + " is gloo-mesh-fleet-<name>)",
            "targetVersion: required, the Gloo Mesh version to upgrade to, for example \"0.11.3\"",
            "waves: required, a list of waves such as"
                + " [{\"name\":\"staging\",\"contexts\":[\"<context>\"]}]");
    assertThat(problems("{\"name\":\"mesh\",\"targetVersion\":\"0.12.8\",\"waves\":[]}"))
        .containsExactly(
            "waves: must hold at least one wave, such as"
                + " {\"name\":\"staging\",\"contexts\":[\"<context>\"]}");
  }

  @Test
  void aBadTargetVersionIsReportedOnceNotForEveryPlane() throws Exception {
    assertThat(
            problems(
                fleet("{\"name\":\"all\",\"contexts\":[\"a\",\"b\"]}", "")
                    .replace("0.12.8", "latest")))
        .containsExactly("targetVersion: \"latest\" is not a version like 0.11.3");
  }

  @Test
  void unknownFieldsAreRefusedWithTheKnownOnesListed() throws Exception {
    assertThat(
            problems(
                fleet(
                    "{\"name\":\"all\",\"context\":[\"a\"],\"contexts\":[\"a\"]}",
                    "\"namespace\":\"mesh\",\"soakTime\":\"1h\"")))
        .containsExactly(
            "unknown field \"namespace\", an upgrade request field: put it in common, or in a"
                + " wave's overrides (known fields: name, targetVersion, common, waves, soak, approval)",
            "unknown field \"soakTime\" (known fields: name, targetVersion, common, waves, soak,"
                + " approval)",
            "waves[0]: unknown field \"context\", did you mean \"contexts\"? (known fields: name,"
                + " contexts, concurrency, overrides)");
  }

  @Test
  void waveNamesMustBeUniqueKubernetesNames() throws Exception {
    assertThat(
            problems(
                fleet(
                    """
                    {"contexts":["a"]},{"name":"Prod EU","contexts":["b"]},
                    {"name":"prod","contexts":["c"]},{"name":"prod","contexts":["d"]}""",
                    "")))
        .containsExactly(
            "waves[0].name: required, a Kubernetes name for the wave such as \"staging\"",
            "waves[1].name: \"Prod EU\" is not a valid Kubernetes name (lower-case letters,"
                + " digits and '-', at most 63)",
            "waves[3].name: \"prod\" is also the name of waves[2]; wave names are unique");
  }

  @Test
  void eachContextIsANonBlankNameWithoutSpacesListedInOneWave() throws Exception {
    assertThat(
            problems(
                fleet(
                    """
                    {"name":"staging","contexts":["stage","prod-us"]},
                    {"name":"prod","contexts":["prod-us"," ","prod eu",7,"prod-ap","prod-ap"]},
                    {"name":"none","contexts":[]},{"name":"missing"}""",
                    "")))
        .containsExactly(
            "waves[1].contexts[0]: \"prod-us\" is already in wave \"staging\" (waves[0]); a plane"
                + " is in one wave only, not also in wave \"prod\" (waves[1])",
            "waves[1].contexts[1]: \"\" must not be blank",
            "waves[1].contexts[2]: \"prod eu\" must not contain spaces",
            "waves[1].contexts[3]: must be a kubeconfig context name, got 7",
            "waves[1].contexts[5]: \"prod-ap\" is listed twice",
            "waves[2].contexts: must list at least one kubeconfig context",
            "waves[3].contexts: required, the kubeconfig contexts of the wave's management"
                + " planes");
  }

  @Test
  void concurrencyIsFromOneToTheWavesPlanes() throws Exception {
    assertThat(
            problems(
                fleet(
                    """
                    {"name":"a","contexts":["a1","a2"],"concurrency":3},
                    {"name":"b","contexts":["b1"],"concurrency":0},
                    {"name":"c","contexts":["c1","c2"],"concurrency":"two"}""",
                    "")))
        .containsExactly(
            "waves[0].concurrency: 3 is outside 1 to 2 (the wave's planes)",
            "waves[1].concurrency: 0 is outside 1 to 1 (the wave's planes)",
            "waves[2].concurrency: must be a whole number from 1 to 2 (the wave's planes), got"
                + " \"two\"");
  }

  @Test
  void overridesAreObjectsForTheWavesOwnContexts() throws Exception {
    assertThat(
            problems(
                fleet(
                    """
                    {"name":"staging","contexts":["stage"]},
                    {"name":"prod","contexts":["prod-us","prod-eu"],
                     "overrides":{"stage":{},"prod-us":"fast","prod-eu":{"namespace":"gm"}}},
                    {"name":"dev","contexts":["dev"],"overrides":["dev"]}""",
                    "")))
        .containsExactly(
            "waves[1].overrides: \"stage\" is not a context of this wave (its contexts: prod-us,"
                + " prod-eu)",
            "waves[1].overrides.prod-us: must be an object of upgrade request fields, got"
                + " \"fast\"",
            "waves[2].overrides: must be an object of kubeconfig context to upgrade request"
                + " fields, got [\"dev\"]");
  }

  @Test
  void fieldsTheFleetSetsAreRefusedInCommonAndOverrides() throws Exception {
    assertThat(
            problems(
                fleet(
                    """
                    {"name":"prod","contexts":["prod-eu"],"overrides":{"prod-eu":
                      {"managementContext":"other","targetVersion":"0.12.9"}}}""",
                    """
                    "common":{"targetVersion":"0.12.7","managementContext":"x",
                     "resumeFrom":"gloo-mesh-upgrade-prod-eu"}""")))
        .containsExactly(
            "common.targetVersion: the fleet sets it for each plane; remove it",
            "common.managementContext: the fleet sets it for each plane; remove it",
            "common.resumeFrom: the fleet sets it for each plane; remove it",
            "waves[0].overrides.prod-eu.targetVersion: the fleet sets it for each plane; remove"
                + " it",
            "waves[0].overrides.prod-eu.managementContext: the fleet sets it for each plane;"
                + " remove it");
  }

  @Test
  void soakIsADurationFromZeroToSevenDaysAndApprovalPerPlaneOrPerWave() throws Exception {
    String wave = "{\"name\":\"all\",\"contexts\":[\"a\"]}";
    assertThat(problems(fleet(wave, "\"soak\":\"8d\",\"approval\":\"per-cluster\"")))
        .containsExactly(
            "soak: 8d is longer than the maximum 7d",
            "approval: \"per-cluster\" is not one of per-plane, per-wave");
    assertThat(problems(fleet(wave, "\"soak\":\"a while\"")))
        .containsExactly(
            "soak: \"a while\" is not a duration such as \"30m\", \"2h\", \"1d\" or \"0s\"");
    assertThat(problems(fleet(wave, "\"soak\":30")))
        .containsExactly(
            "soak: must be a duration string such as \"30m\", \"2h\", \"1d\" or \"0s\", got 30");
    assertThat(problems(fleet(wave, "\"soak\":\"PT-1H\"")))
        .containsExactly("soak: PT-1H is negative; \"0s\" means no soak");
  }

  @Test
  void atMostTwentyWavesAndOneHundredPlanes() throws Exception {
    String tooManyWaves =
        IntStream.rangeClosed(1, 21)
            .mapToObj(i -> "{\"name\":\"w%d\",\"contexts\":[\"c%d\"]}".formatted(i, i))
            .collect(Collectors.joining(","));
    String sixty =
        IntStream.rangeClosed(1, 60)
            .mapToObj(i -> "\"a%d\"".formatted(i))
            .collect(Collectors.joining(","));
    String twoWavesOfSixty =
        "{\"name\":\"a\",\"contexts\":[%s]},{\"name\":\"b\",\"contexts\":[%s]}"
            .formatted(sixty, sixty.replace("a", "b"));
    String oneWaveOf101 =
        "{\"name\":\"a\",\"contexts\":[%s]}"
            .formatted(
                IntStream.rangeClosed(1, 101)
                    .mapToObj(i -> "\"a%d\"".formatted(i))
                    .collect(Collectors.joining(",")));

    assertThat(problems(fleet(tooManyWaves, "")))
        .containsExactly("waves: 21 waves, more than the 20 allowed");
    assertThat(problems(fleet(twoWavesOfSixty, "")))
        .containsExactly(
            "waves: 120 planes in all, more than the 100 allowed; their requests were not"
                + " checked");
    assertThat(problems(fleet(oneWaveOf101, "")))
        .containsExactly(
            "waves[0].contexts: 101 contexts, more than the 100 planes a fleet may hold");
  }

  @Test
  void aBadOverrideFieldIsReportedForThatPlanesOverride() throws Exception {
    assertThat(problems(TWO_WAVES.replace("\"10m\"", "\"soon\"")))
        .containsExactly(
            "waves[1].overrides.prod-eu: scaleTimeout: \"soon\" is not a duration such as"
                + " \"15s\", \"2m\", \"1h30m\" or \"PT15S\"");
  }

  @Test
  void aBadCommonFieldIsReportedOnceNamingEveryPlaneItBreaks() throws Exception {
    assertThat(problems(TWO_WAVES.replace("\"5m\"", "\"soon\"")))
        .as("prod-eu's override replaces the bad scaleTimeout")
        .containsExactly(
            "common (planes staging-mgmt, prod-us): scaleTimeout: \"soon\" is not a duration"
                + " such as \"15s\", \"2m\", \"1h30m\" or \"PT15S\"");
    assertThat(
            problems(
                fleet(
                    "{\"name\":\"all\",\"contexts\":[\"a\"]}",
                    "\"common\":{\"namespace\":\"Mesh\"}")))
        .containsExactly(
            "common (plane a): namespace: \"Mesh\" is not a valid Kubernetes name (lower-case"
                + " letters, digits and '-', at most 63)");
  }

  @Test
  void anUnknownFieldInCommonIsReportedForThePlanes() throws Exception {
    assertThat(problems(TWO_WAVES.replace("\"namespace\"", "\"Namespace\"")))
        .singleElement()
        .asString()
        .startsWith(
            "common (planes staging-mgmt, prod-us, prod-eu): unknown field \"Namespace\", did you"
                + " mean \"namespace\"?");
  }

  @Test
  void aRuleBetweenCommonAndOverrideFieldsIsReportedForTheOverride() throws Exception {
    String fleet =
        fleet(
            """
            {"name":"prod","contexts":["prod-us","prod-eu"],
             "overrides":{"prod-eu":{"discoveryTimeout":"30s"}}}""",
            "\"common\":{\"discoveryPollInterval\":\"1m\"}");

    assertThat(problems(fleet))
        .containsExactly(
            "waves[0].overrides.prod-eu: discoveryTimeout: 30s must be longer than"
                + " discoveryPollInterval (1m)",
            "waves[0].overrides.prod-eu: discoverySettleWindow: 2m must be shorter than"
                + " discoveryTimeout (30s)");
  }

  @Test
  void severalProblemsAcrossTheFleetAreReportedTogether() throws Exception {
    List<String> problems =
        problems(
            """
            {"name":"Mesh 1","waves":[{"name":"staging","contexts":["stage"],"concurrency":2},
                      {"name":"staging","contexts":["stage","prod"],
                       "overrides":{"prod":{"dryRun":"maybe"}}}],
             "common":{"registrationConcurrency":0},"soak":"forever","approval":"never"}
            """);

    assertThat(problems)
        .containsExactly(
            "name: \"Mesh 1\" is not a valid Kubernetes name (lower-case letters, digits and '-', at"
                + " most 63)",
            "targetVersion: required, the Gloo Mesh version to upgrade to, for example \"0.11.3\"",
            "waves[0].concurrency: 2 is outside 1 to 1 (the wave's planes)",
            "waves[1].name: \"staging\" is also the name of waves[0]; wave names are unique",
            "waves[1].contexts[0]: \"stage\" is already in wave \"staging\" (waves[0]); a plane is"
                + " in one wave only, not also in wave \"staging\" (waves[1])",
            "soak: \"forever\" is not a duration such as \"30m\", \"2h\", \"1d\" or \"0s\"",
            "approval: \"never\" is not one of per-plane, per-wave",
            "common (planes stage, prod): registrationConcurrency: 0 is outside 1 to 50",
            "waves[1].overrides.prod: dryRun: must be true or false, got \"maybe\"");
  }
}
