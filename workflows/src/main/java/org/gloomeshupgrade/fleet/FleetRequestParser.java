package org.gloomeshupgrade.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.gloomeshupgrade.request.DurationText;
import org.gloomeshupgrade.request.InvalidRequestException;
import org.gloomeshupgrade.request.UpgradeRequestParser;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * Turns the JSON of a fleet upgrade into a {@link FleetRequest}, collecting every problem with the
 * path of the field it concerns ({@code waves[1].contexts[0]}). Each plane's upgrade request (see
 * {@link FleetRequest#requestFor}) is held to every rule of {@link UpgradeRequestParser}, its
 * problems named for the override or, for the common fields, the planes they break. Pure code: it
 * runs inside workflow code.
 */
public final class FleetRequestParser {
  /** Every field of the fleet request, in documentation order. */
  public static final List<String> FIELDS =
      List.of("name", "targetVersion", "common", "waves", "soak", "approval");

  /** Every field of a wave, in documentation order. */
  public static final List<String> WAVE_FIELDS =
      List.of("name", "contexts", "concurrency", "overrides");

  public static final Duration DEFAULT_SOAK = Duration.ofMinutes(30);
  public static final Duration MAX_SOAK = Duration.ofDays(7);
  public static final FleetApproval DEFAULT_APPROVAL = FleetApproval.PER_PLANE;
  public static final int DEFAULT_CONCURRENCY = 1;
  public static final int MAX_WAVES = 20;

  /** Management planes in all the waves together. */
  public static final int MAX_PLANES = 100;

  /** Characters in a context, as in any string of an upgrade request. */
  static final int MAX_CONTEXT = 512;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final int DNS_LABEL_MAX = 63;
  private static final int QUOTED = 40;
  private static final String DURATION_EXAMPLES = "\"30m\", \"2h\", \"1d\" or \"0s\"";
  private static final String WAVE_EXAMPLE = "{\"name\":\"staging\",\"contexts\":[\"<context>\"]}";

  /** A plane whose upgrade request is checked once the waves are read. */
  private record Plane(String context, String overridePath, ObjectNode override) {}

  private final List<String> problems = new ArrayList<>();
  private final JsonNode root;

  /** The wave each context was first listed in, as messages name it. */
  private final Map<String, String> waveOfContext = new LinkedHashMap<>();

  private final List<Plane> planes = new ArrayList<>();

  private FleetRequestParser(JsonNode root) {
    this.root = root;
  }

  /**
   * Parses and validates the fleet and every plane's upgrade request.
   *
   * @throws InvalidRequestException naming every bad field, and never anything else
   */
  public static FleetRequest parse(JsonNode json) {
    if (json == null || json.isNull() || json.isMissingNode()) {
      throw new InvalidRequestException(
          List.of(
              "the input is empty: give at least {\"name\":\"<fleet>\",\"targetVersion\":\"<version>\",\"waves\":[%s]}"
                  .formatted(WAVE_EXAMPLE)));
    }
    if (!json.isObject()) {
      throw new InvalidRequestException(
          List.of(
              "the input must be a JSON object such as {\"name\":\"mesh\",\"targetVersion\":\"0.11.3\",\"waves\":[%s]}, got %s"
                  .formatted(WAVE_EXAMPLE, json.getNodeType())));
    }
    try {
      return new FleetRequestParser(json).build();
    } catch (InvalidRequestException e) {
      throw e;
    } catch (RuntimeException e) {
      // As in UpgradeRequestParser: a check that throws still refuses the request rather than
      // failing the workflow task on every attempt.
      throw new InvalidRequestException(List.of("the request could not be read: %s".formatted(e)));
    }
  }

  private FleetRequest build() {
    rejectUnknownFields(root, "", FIELDS);
    String name = fleetName();
    String targetVersion = targetVersion();
    ObjectNode common = common();
    List<FleetWave> waves = waves();
    Duration soak = soak();
    FleetApproval approval = approval();
    if (planes.size() <= MAX_PLANES) {
      checkPlaneRequests(targetVersion, common);
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
    return new FleetRequest(name, targetVersion, common, waves, soak, approval);
  }

  /** The fleet's name, a DNS label: its workflow ID is gloo-mesh-fleet-NAME. */
  private String fleetName() {
    JsonNode node = root.get("name");
    if (node == null || node.isNull() || !node.isTextual() || node.asText().isBlank()) {
      problems.add(
          "name: required, a Kubernetes name for the fleet such as \"mesh-0-12\" (its workflow ID is %s)"
              .formatted(UpgradeNames.fleetWorkflowId("<name>")));
      return null;
    }
    String name = node.asText().trim();
    if (name.length() > DNS_LABEL_MAX || !DNS_LABEL.matcher(name).matches()) {
      problems.add(
          "name: \"%s\" is not a valid Kubernetes name (lower-case letters, digits and '-', at most 63)"
              .formatted(quoted(name)));
      return null;
    }
    return name;
  }

  /** Read as the upgrade request reads it, so that the messages and the form are the same. */
  private String targetVersion() {
    ObjectNode alone = JsonNodeFactory.instance.objectNode();
    JsonNode node = root.get("targetVersion");
    if (node != null) {
      alone.set("targetVersion", node);
    }
    try {
      return UpgradeRequestParser.parse(alone, UpgradeRequestParser.Rules.ALL).targetVersion();
    } catch (InvalidRequestException e) {
      problems.addAll(e.problems());
      return null;
    }
  }

  private ObjectNode common() {
    JsonNode node = root.get("common");
    if (node == null || node.isNull()) {
      return FleetRequest.emptyObject();
    }
    if (!node.isObject()) {
      problems.add(
          "common: must be an object of the upgrade request fields every plane shares, got %s"
              .formatted(quoted(node.toString())));
      return FleetRequest.emptyObject();
    }
    refuseFieldsSetByFleet(node, "common");
    return (ObjectNode) node;
  }

  private Duration soak() {
    JsonNode node = root.get("soak");
    if (node == null || node.isNull()) {
      return DEFAULT_SOAK;
    }
    if (!node.isTextual()) {
      problems.add(
          "soak: must be a duration string such as %s, got %s"
              .formatted(DURATION_EXAMPLES, quoted(node.toString())));
      return DEFAULT_SOAK;
    }
    String text = node.asText();
    Optional<Duration> parsed = DurationText.parse(text);
    if (parsed.isEmpty()) {
      problems.add(
          "soak: \"%s\" is not a duration such as %s".formatted(quoted(text), DURATION_EXAMPLES));
      return DEFAULT_SOAK;
    }
    Duration soak = parsed.get();
    if (soak.isNegative()) {
      problems.add("soak: %s is negative; \"0s\" means no soak".formatted(text.trim()));
      return DEFAULT_SOAK;
    }
    if (soak.compareTo(MAX_SOAK) > 0) {
      problems.add(
          "soak: %s is longer than the maximum %s"
              .formatted(text.trim(), DurationText.format(MAX_SOAK)));
      return DEFAULT_SOAK;
    }
    return soak;
  }

  private FleetApproval approval() {
    JsonNode node = root.get("approval");
    if (node == null || node.isNull()) {
      return DEFAULT_APPROVAL;
    }
    String value = node.isTextual() ? node.asText().trim() : node.toString();
    Optional<FleetApproval> chosen = FleetApproval.fromWireName(value);
    if (chosen.isEmpty()) {
      problems.add("approval: \"%s\" is not one of per-plane, per-wave".formatted(quoted(value)));
    }
    return chosen.orElse(DEFAULT_APPROVAL);
  }

  private List<FleetWave> waves() {
    JsonNode node = root.get("waves");
    if (node == null || node.isNull()) {
      problems.add("waves: required, a list of waves such as [%s]".formatted(WAVE_EXAMPLE));
      return List.of();
    }
    if (!node.isArray()) {
      problems.add(
          "waves: must be a list of waves such as [%s], got %s"
              .formatted(WAVE_EXAMPLE, quoted(node.toString())));
      return List.of();
    }
    if (node.isEmpty()) {
      problems.add("waves: must hold at least one wave, such as %s".formatted(WAVE_EXAMPLE));
      return List.of();
    }
    if (node.size() > MAX_WAVES) {
      problems.add("waves: %d waves, more than the %d allowed".formatted(node.size(), MAX_WAVES));
      return List.of();
    }
    Map<String, Integer> names = new LinkedHashMap<>();
    List<FleetWave> waves = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      FleetWave wave = wave(i, node.get(i), names);
      if (wave != null) {
        waves.add(wave);
      }
    }
    if (planes.size() > MAX_PLANES) {
      problems.add(
          "waves: %d planes in all, more than the %d allowed; their requests were not checked"
              .formatted(planes.size(), MAX_PLANES));
    }
    return waves;
  }

  /** Reads one wave; null when it is not an object. */
  private FleetWave wave(int index, JsonNode node, Map<String, Integer> names) {
    String where = "waves[%d]".formatted(index);
    if (!node.isObject()) {
      problems.add(
          "%s: must be an object such as %s, got %s"
              .formatted(where, WAVE_EXAMPLE, quoted(node.toString())));
      return null;
    }
    rejectUnknownFields(node, where + ": ", WAVE_FIELDS);
    String name = waveName(where, node.get("name"), index, names);
    String label = name == null ? where : "wave \"%s\" (%s)".formatted(name, where);
    List<String> contexts = contexts(where, node.get("contexts"), label);
    JsonNode listed = node.get("contexts");
    int planesListed = listed != null && listed.isArray() ? Math.max(1, listed.size()) : 1;
    int concurrency = concurrency(where, node.get("concurrency"), planesListed);
    Map<String, ObjectNode> overrides = overrides(where, node.get("overrides"), contexts);
    for (String context : contexts) {
      planes.add(
          new Plane(context, "%s.overrides.%s".formatted(where, context), overrides.get(context)));
    }
    return new FleetWave(name == null ? "" : name, contexts, concurrency, overrides);
  }

  private String waveName(String where, JsonNode node, int index, Map<String, Integer> names) {
    String field = where + ".name";
    if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
      problems.add(
          "%s: required, a Kubernetes name for the wave such as \"staging\"".formatted(field));
      return null;
    }
    if (!node.isTextual()) {
      problems.add("%s: must be a string, got %s".formatted(field, quoted(node.toString())));
      return null;
    }
    String name = node.asText().trim();
    if (name.length() > DNS_LABEL_MAX || !DNS_LABEL.matcher(name).matches()) {
      problems.add(
          "%s: \"%s\" is not a valid Kubernetes name (lower-case letters, digits and '-', at most 63)"
              .formatted(field, quoted(name)));
      return null;
    }
    Integer earlier = names.putIfAbsent(name, index);
    if (earlier != null) {
      problems.add(
          "%s: \"%s\" is also the name of waves[%d]; wave names are unique"
              .formatted(field, name, earlier));
    }
    return name;
  }

  /** The wave's valid contexts, each listed in no earlier wave. */
  private List<String> contexts(String where, JsonNode node, String label) {
    String field = where + ".contexts";
    if (node == null || node.isNull()) {
      problems.add(
          "%s: required, the kubeconfig contexts of the wave's management planes".formatted(field));
      return List.of();
    }
    if (!node.isArray()) {
      problems.add(
          "%s: must be a list of kubeconfig contexts, got %s"
              .formatted(field, quoted(node.toString())));
      return List.of();
    }
    if (node.isEmpty()) {
      problems.add("%s: must list at least one kubeconfig context".formatted(field));
      return List.of();
    }
    if (node.size() > MAX_PLANES) {
      problems.add(
          "%s: %d contexts, more than the %d planes a fleet may hold"
              .formatted(field, node.size(), MAX_PLANES));
      return List.of();
    }
    List<String> contexts = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String item = "%s[%d]".formatted(field, i);
      JsonNode context = node.get(i);
      if (!context.isTextual()) {
        problems.add(
            "%s: must be a kubeconfig context name, got %s"
                .formatted(item, quoted(context.toString())));
        continue;
      }
      String name = context.asText().trim();
      String problem = contextProblem(name);
      if (problem != null) {
        problems.add("%s: \"%s\" %s".formatted(item, quoted(name), problem));
        continue;
      }
      String earlier = waveOfContext.putIfAbsent(name, label);
      if (earlier == null) {
        contexts.add(name);
      } else if (earlier.equals(label)) {
        problems.add("%s: \"%s\" is listed twice".formatted(item, name));
      } else {
        problems.add(
            "%s: \"%s\" is already in %s; a plane is in one wave only, not also in %s"
                .formatted(item, name, earlier, label));
      }
    }
    return contexts;
  }

  private static String contextProblem(String name) {
    if (name.isEmpty()) {
      return "must not be blank";
    }
    if (name.length() > MAX_CONTEXT) {
      return "is longer than %d characters".formatted(MAX_CONTEXT);
    }
    Optional<Integer> control = name.chars().filter(Character::isISOControl).boxed().findFirst();
    if (control.isPresent()) {
      return "holds the control character U+%04X".formatted(control.get());
    }
    if (name.chars().anyMatch(Character::isWhitespace)) {
      return "must not contain spaces";
    }
    return null;
  }

  private int concurrency(String where, JsonNode node, int planesListed) {
    String field = where + ".concurrency";
    if (node == null || node.isNull()) {
      return DEFAULT_CONCURRENCY;
    }
    if (!node.canConvertToExactIntegral() || !node.canConvertToInt()) {
      problems.add(
          "%s: must be a whole number from 1 to %d (the wave's planes), got %s"
              .formatted(field, planesListed, quoted(node.toString())));
      return DEFAULT_CONCURRENCY;
    }
    int value = node.intValue();
    if (value < 1 || value > planesListed) {
      problems.add(
          "%s: %d is outside 1 to %d (the wave's planes)".formatted(field, value, planesListed));
      return DEFAULT_CONCURRENCY;
    }
    return value;
  }

  /** The valid overrides, by context; every key must be one of the wave's contexts. */
  private Map<String, ObjectNode> overrides(String where, JsonNode node, List<String> contexts) {
    String field = where + ".overrides";
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      problems.add(
          "%s: must be an object of kubeconfig context to upgrade request fields, got %s"
              .formatted(field, quoted(node.toString())));
      return Map.of();
    }
    if (node.size() > MAX_PLANES) {
      problems.add(
          "%s: %d overrides, more than the %d planes a fleet may hold"
              .formatted(field, node.size(), MAX_PLANES));
      return Map.of();
    }
    Map<String, ObjectNode> overrides = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      String context = entry.getKey();
      if (!contexts.contains(context)) {
        problems.add(
            "%s: \"%s\" is not a context of this wave (its contexts: %s)"
                .formatted(field, quoted(context), String.join(", ", contexts)));
        continue;
      }
      String path = field + "." + context;
      JsonNode fields = entry.getValue();
      if (!fields.isObject()) {
        problems.add(
            "%s: must be an object of upgrade request fields, got %s"
                .formatted(path, quoted(fields.toString())));
        continue;
      }
      refuseFieldsSetByFleet(fields, path);
      overrides.put(context, (ObjectNode) fields);
    }
    return overrides;
  }

  private void refuseFieldsSetByFleet(JsonNode fields, String path) {
    for (String field : FleetRequest.SET_BY_FLEET) {
      if (fields.has(field)) {
        problems.add("%s.%s: the fleet sets it for each plane; remove it".formatted(path, field));
      }
    }
  }

  /**
   * Holds each plane's upgrade request to every rule. A problem the common fields alone cause is
   * reported once for all the planes it breaks; one the plane's override causes, for the override.
   * Problems of targetVersion and managementContext are left out: they are the fleet's, reported
   * above.
   */
  private void checkPlaneRequests(String targetVersion, ObjectNode common) {
    Map<String, List<String>> fromCommon = new LinkedHashMap<>();
    List<String> fromOverrides = new ArrayList<>();
    for (Plane plane : planes) {
      ObjectNode override =
          plane.override() == null ? FleetRequest.emptyObject() : plane.override();
      List<String> found =
          upgradeProblems(
              FleetRequest.effectiveRequest(targetVersion, common, override, plane.context()));
      if (found.isEmpty()) {
        continue;
      }
      Set<String> commonAlone =
          override.isEmpty()
              ? new HashSet<>(found)
              : new HashSet<>(
                  upgradeProblems(
                      FleetRequest.effectiveRequest(
                          targetVersion, common, FleetRequest.emptyObject(), plane.context())));
      for (String problem : found) {
        if (commonAlone.contains(problem)) {
          fromCommon.computeIfAbsent(problem, p -> new ArrayList<>()).add(plane.context());
        } else {
          fromOverrides.add("%s: %s".formatted(plane.overridePath(), problem));
        }
      }
    }
    fromCommon.forEach(
        (problem, contexts) ->
            problems.add(
                "common (plane%s %s): %s"
                    .formatted(
                        contexts.size() == 1 ? "" : "s", String.join(", ", contexts), problem)));
    problems.addAll(fromOverrides);
  }

  private static List<String> upgradeProblems(ObjectNode request) {
    try {
      UpgradeRequestParser.parse(request, UpgradeRequestParser.Rules.ALL);
      return List.of();
    } catch (InvalidRequestException e) {
      return e.problems().stream()
          .filter(p -> !p.startsWith("targetVersion:") && !p.startsWith("managementContext:"))
          .toList();
    }
  }

  private void rejectUnknownFields(JsonNode node, String where, List<String> known) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        problems.add(
            "%sunknown field \"%s\"%s (known fields: %s)"
                .formatted(
                    where,
                    quoted(name),
                    suggestion(name, known, where.isEmpty()),
                    String.join(", ", known)));
      }
    }
  }

  /**
   * The known field the person most likely meant: same letters, or containing what they typed; for
   * an upgrade request field at the top, that it belongs in common or an override.
   */
  private static String suggestion(String unknown, List<String> known, boolean topLevel) {
    String typed = unknown.toLowerCase(Locale.ROOT);
    Optional<String> close =
        known.stream()
            .filter(
                f ->
                    f.equalsIgnoreCase(unknown)
                        || (unknown.length() >= 4 && f.toLowerCase(Locale.ROOT).contains(typed)))
            .findFirst();
    if (close.isPresent()) {
      return ", did you mean \"%s\"?".formatted(close.get());
    }
    if (topLevel && UpgradeRequestParser.FIELDS.contains(unknown)) {
      return ", an upgrade request field: put it in common, or in a wave's overrides";
    }
    return "";
  }

  /** The value as a message quotes it: whole when short, its start and length when not. */
  private static String quoted(String value) {
    return value.length() <= QUOTED * 2
        ? value
        : "%s... (%d characters)".formatted(value.substring(0, QUOTED), value.length());
  }
}
