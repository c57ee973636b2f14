package org.gloomeshupgrade.notify;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.gloomeshupgrade.request.DurationText;
import org.gloomeshupgrade.workflow.UpgradeActivityOptions;

/**
 * Reads a notifications file into {@link NotificationSettings}. Checks the whole file and reports
 * every problem at once, each naming its field; a value that may be a secret (a URL, a token, what
 * a file or variable holds) is never repeated in a problem.
 */
final class NotificationSettingsFile {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);

  /** Within one attempt of the delivery activity, with time left to say how it failed. */
  static final Duration MAX_TIMEOUT = UpgradeActivityOptions.NOTIFICATION_ATTEMPT.minusSeconds(2);

  private static final List<String> FIELDS = List.of("temporalUi", "destinations");
  private static final List<String> DESTINATION_FIELDS =
      List.of(
          "name",
          "kind",
          "urlFile",
          "urlEnv",
          "url",
          "tokenFile",
          "tokenEnv",
          "events",
          "timeout",
          "headers");
  private static final List<String> URL_FIELDS = List.of("urlFile", "urlEnv", "url");
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,63}");
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

  /**
   * Headers the worker sets itself, or that Java's HTTP client refuses to let anyone set (lower
   * case).
   */
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "authorization",
          "content-type",
          "idempotency-key",
          "x-gmu-event",
          "connection",
          "content-length",
          "expect",
          "host",
          "upgrade",
          "via",
          "warning",
          "date",
          "from",
          "referer");

  private static final ObjectMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final Path file;
  private final Function<String, String> env;
  private final List<String> problems = new ArrayList<>();

  /** Each destination's name and the first destination that has it. */
  private final Map<String, String> names = new HashMap<>();

  /** What files and variables held, to scrub from the problems should one slip in. */
  private final List<String> secretsRead = new ArrayList<>();

  NotificationSettingsFile(Path file, Function<String, String> env) {
    this.file = file;
    this.env = env;
  }

  NotificationSettings read() {
    JsonNode root = parse();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return NotificationSettings.none();
    }
    if (!root.isObject()) {
      throw invalid(List.of("the file is not a mapping with temporalUi and destinations"));
    }
    unknownFields(root, "", FIELDS);
    String temporalUi = temporalUi(root.get("temporalUi"));
    List<Destination> destinations = destinations(root.get("destinations"));
    if (!problems.isEmpty()) {
      throw invalid(problems);
    }
    return new NotificationSettings(temporalUi, destinations);
  }

  private JsonNode parse() {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException | SecurityException e) {
      throw invalid(
          List.of(
              Files.exists(file)
                  ? "the file cannot be read (%s)".formatted(e.getClass().getSimpleName())
                  : "the file does not exist"));
    }
    if (text.isBlank()) {
      return null;
    }
    boolean json =
        file.toString().toLowerCase(Locale.ROOT).endsWith(".json") || text.strip().startsWith("{");
    try {
      return (json ? JSON : YAML).readTree(text);
    } catch (JsonProcessingException e) {
      // Only where and what kind of mistake: a parser's own message quotes the text around it,
      // which may be a URL.
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line %d, column %d".formatted(at.getLineNr(), at.getColumnNr());
      String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
      String what =
          original.startsWith("Duplicate field")
              ? original.lines().findFirst().orElse("").strip()
              : "not valid %s".formatted(json ? "JSON" : "YAML");
      throw invalid(List.of(what + where));
    }
  }

  private String temporalUi(JsonNode node) {
    Optional<String> given = scalar(node, "temporalUi");
    if (given.isEmpty()) {
      return "";
    }
    String url = given.get().strip();
    Optional<String> problem = HttpUrls.problem(url, true);
    if (problem.isPresent()) {
      problems.add("temporalUi: " + problem.get());
      return "";
    }
    if (url.contains("?") || url.contains("#")) {
      problems.add("temporalUi: the Temporal UI's base URL, without a query or fragment");
      return "";
    }
    return url.replaceAll("/+$", "");
  }

  private List<Destination> destinations(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      problems.add("destinations: a list of destinations");
      return List.of();
    }
    List<Destination> destinations = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "destinations[%d]".formatted(i);
      JsonNode d = node.get(i);
      if (d.isObject()) {
        destination(d, path).ifPresent(destinations::add);
      } else {
        problems.add(path + ": a mapping with name, kind and the URL");
      }
    }
    return destinations;
  }

  private Optional<Destination> destination(JsonNode d, String path) {
    unknownFields(d, path + ".", DESTINATION_FIELDS);
    String name = required(d, "name", path).map(n -> name(n, path)).orElse("");
    if (!name.isEmpty()) {
      String first = names.putIfAbsent(name, path);
      if (first != null) {
        problems.add("%s.name: \"%s\" is already the name of %s".formatted(path, name, first));
      }
    }
    Optional<DestinationKind> kind = required(d, "kind", path).flatMap(k -> kind(k, path));
    Optional<Secret> url = url(d, path, kind);
    Optional<Secret> token = token(d, path, kind);
    List<NotificationEvent> events = events(d.get("events"), path + ".events");
    Duration timeout = timeout(d.get("timeout"), path + ".timeout");
    Map<String, String> headers = headers(d.get("headers"), path + ".headers");
    if (name.isEmpty() || kind.isEmpty() || url.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Destination(name, kind.get(), url.get(), token, events, timeout, headers));
  }

  private String name(String given, String path) {
    if (NAME.matcher(given).matches()) {
      return given;
    }
    problems.add(
        "%s.name: %s is not a name: 1 to 63 characters of a-z, 0-9 and -"
            .formatted(path, given.length() <= 63 ? "\"" + given + "\"" : "the one given"));
    return "";
  }

  private Optional<DestinationKind> kind(String given, String path) {
    Optional<DestinationKind> kind = DestinationKind.fromWireName(given);
    if (kind.isEmpty()) {
      problems.add(
          "%s.kind: \"%s\" is not a kind; the kinds are %s"
              .formatted(path, shortened(given), String.join(", ", DestinationKind.wireNames())));
    }
    return kind;
  }

  private Optional<Secret> url(JsonNode d, String path, Optional<DestinationKind> kind) {
    boolean slack = kind.equals(Optional.of(DestinationKind.SLACK));
    List<String> given = URL_FIELDS.stream().filter(f -> has(d, f)).toList();
    if (slack && given.contains("url")) {
      problems.add(path + ".url: a Slack webhook URL is a secret: give it as urlFile or urlEnv");
      return Optional.empty();
    }
    if (given.isEmpty()) {
      problems.add(
          "%s.urlFile: no URL: give one of %s"
              .formatted(path, slack ? "urlFile or urlEnv" : "urlFile, urlEnv or url"));
      return Optional.empty();
    }
    if (given.size() > 1) {
      problems.add(
          "%s.%s: give only one of urlFile, urlEnv and url, not %s"
              .formatted(path, given.get(1), String.join(" and ", given)));
      return Optional.empty();
    }
    String field = given.get(0);
    String fieldPath = path + "." + field;
    Optional<String> value = scalar(d.get(field), fieldPath);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Secret secret =
        switch (field) {
          case "urlFile" -> fileSecret(field, value.get(), fieldPath);
          case "urlEnv" -> envSecret(field, value.get(), fieldPath);
          default -> Secret.inline(field, value.get());
        };
    if (secret == null) {
      return Optional.empty();
    }
    Optional<String> url = secret.read();
    if (url.isEmpty()) {
      problems.add(fieldPath + ": " + (field.equals("url") ? "empty" : holds(secret, "is empty")));
      return Optional.empty();
    }
    if (!field.equals("url")) {
      secretsRead.add(url.get());
    }
    Optional<String> problem = HttpUrls.problem(url.get(), field.equals("url"));
    if (problem.isPresent()) {
      problems.add(
          field.equals("url")
              ? fieldPath + ": " + problem.get()
              : "%s: %s does not hold an http or https URL with a host"
                  .formatted(fieldPath, where(secret)));
      return Optional.empty();
    }
    return Optional.of(secret);
  }

  private Optional<Secret> token(JsonNode d, String path, Optional<DestinationKind> kind) {
    List<String> given = List.of("tokenFile", "tokenEnv").stream().filter(f -> has(d, f)).toList();
    if (given.isEmpty()) {
      return Optional.empty();
    }
    if (kind.equals(Optional.of(DestinationKind.SLACK))) {
      problems.add(
          "%s.%s: a Slack incoming webhook takes no token; only a webhook destination sends one"
              .formatted(path, given.get(0)));
      return Optional.empty();
    }
    if (given.size() > 1) {
      problems.add(path + ".tokenEnv: give only one of tokenFile and tokenEnv");
      return Optional.empty();
    }
    String field = given.get(0);
    String fieldPath = path + "." + field;
    Optional<String> value = scalar(d.get(field), fieldPath);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Secret secret =
        field.equals("tokenFile")
            ? fileSecret(field, value.get(), fieldPath)
            : envSecret(field, value.get(), fieldPath);
    if (secret == null) {
      return Optional.empty();
    }
    Optional<String> token = secret.read();
    if (token.isEmpty()) {
      problems.add(fieldPath + ": " + holds(secret, "is empty"));
      return Optional.empty();
    }
    secretsRead.add(token.get());
    if (!TOKEN.matcher(token.get()).matches()) {
      problems.add(
          "%s: %s does not hold a token: one line of visible ASCII characters, without spaces"
              .formatted(fieldPath, where(secret)));
      return Optional.empty();
    }
    return Optional.of(secret);
  }

  /** A file secret whose file exists and can be read now; null (and a problem) otherwise. */
  private Secret fileSecret(String field, String given, String path) {
    Path resolved = file.toAbsolutePath().resolveSibling(given.strip());
    if (!Files.exists(resolved)) {
      problems.add("%s: %s does not exist".formatted(path, resolved));
      return null;
    }
    if (!Files.isRegularFile(resolved)) {
      problems.add("%s: %s is not a file".formatted(path, resolved));
      return null;
    }
    if (!Files.isReadable(resolved)) {
      problems.add("%s: %s cannot be read".formatted(path, resolved));
      return null;
    }
    return Secret.file(field, resolved);
  }

  /** An environment secret whose variable is set; null (and a problem) otherwise. */
  private Secret envSecret(String field, String given, String path) {
    String variable = given.strip();
    if (!VARIABLE.matcher(variable).matches()) {
      problems.add(
          "%s: not the name of an environment variable (letters, digits and _)".formatted(path));
      return null;
    }
    String value = env.apply(variable);
    if (value == null || value.isBlank()) {
      problems.add("%s: %s is not set".formatted(path, variable));
      return null;
    }
    return Secret.env(field, variable, env);
  }

  private static String where(Secret secret) {
    return secret.describe().substring(secret.field().length()).strip();
  }

  private static String holds(Secret secret, String problem) {
    return where(secret) + " " + problem;
  }

  private List<NotificationEvent> events(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return NotificationEvent.OF_RUNS;
    }
    String known =
        NotificationEvent.OF_RUNS.stream()
            .map(NotificationEvent::wireName)
            .collect(Collectors.joining(", "));
    if (!node.isArray()) {
      problems.add("%s: a list of events, some of %s".formatted(path, known));
      return List.of();
    }
    if (node.isEmpty()) {
      problems.add(
          "%s: empty: leave it out for every event, or name some of %s".formatted(path, known));
      return List.of();
    }
    Set<NotificationEvent> events = EnumSet.noneOf(NotificationEvent.class);
    for (int i = 0; i < node.size(); i++) {
      String itemPath = "%s[%d]".formatted(path, i);
      Optional<String> name = scalar(node.get(i), itemPath);
      if (name.isEmpty()) {
        continue;
      }
      Optional<NotificationEvent> event = NotificationEvent.fromWireName(name.get().strip());
      if (event.isPresent()) {
        events.add(event.get());
      } else {
        problems.add(
            "%s: \"%s\" is not an event; the events are %s"
                .formatted(itemPath, shortened(name.get()), known));
      }
    }
    return List.copyOf(events);
  }

  private Duration timeout(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return DEFAULT_TIMEOUT;
    }
    Optional<String> given = scalar(node, path);
    if (given.isEmpty()) {
      return DEFAULT_TIMEOUT;
    }
    Optional<Duration> timeout =
        node.isTextual() ? DurationText.parse(given.get()) : Optional.empty();
    if (timeout.isEmpty()) {
      problems.add(
          "%s: \"%s\" is not a duration: give it with its unit, as 5s or 1500ms"
              .formatted(path, shortened(given.get())));
      return DEFAULT_TIMEOUT;
    }
    if (timeout.get().compareTo(MIN_TIMEOUT) < 0 || timeout.get().compareTo(MAX_TIMEOUT) > 0) {
      problems.add(
          "%s: %s is outside %s..%s"
              .formatted(
                  path,
                  DurationText.format(timeout.get()),
                  DurationText.format(MIN_TIMEOUT),
                  DurationText.format(MAX_TIMEOUT)));
      return DEFAULT_TIMEOUT;
    }
    return timeout.get();
  }

  private Map<String, String> headers(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      problems.add(path + ": a mapping of header names to values");
      return Map.of();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> header = it.next();
      String name = header.getKey();
      String headerPath = path + "." + name;
      if (!HEADER_NAME.matcher(name).matches()) {
        problems.add(headerPath + ": not a header name");
        continue;
      }
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        problems.add(
            headerPath
                + (name.equalsIgnoreCase("authorization")
                    ? ": a token is a secret: give it as tokenFile or tokenEnv"
                    : ": set by the worker or the HTTP client, not by the file"));
        continue;
      }
      Optional<String> value = scalar(header.getValue(), headerPath);
      if (value.isEmpty()) {
        if (header.getValue() == null || header.getValue().isNull()) {
          problems.add(headerPath + ": no value");
        }
        continue;
      }
      if (value.get().chars().anyMatch(c -> c != '\t' && (c < 0x20 || c == 0x7f))) {
        problems.add(headerPath + ": a header value is one line, without control characters");
        continue;
      }
      headers.put(name, value.get().strip());
    }
    return headers;
  }

  private void unknownFields(JsonNode node, String prefix, List<String> known) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (known.contains(name)) {
        continue;
      }
      problems.add(
          name.equals("token")
              ? "%stoken: a token is a secret: give it as tokenFile or tokenEnv".formatted(prefix)
              : "%s%s: unknown field; the fields are %s"
                  .formatted(prefix, shortened(name), String.join(", ", known)));
    }
  }

  private Optional<String> required(JsonNode node, String field, String path) {
    if (!has(node, field)) {
      problems.add("%s.%s: required".formatted(path, field));
      return Optional.empty();
    }
    return scalar(node.get(field), path + "." + field);
  }

  private static boolean has(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && !value.isNull();
  }

  /** A single value as text; empty when absent, or (with a problem) when a list or mapping. */
  private Optional<String> scalar(JsonNode node, String path) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Optional.empty();
    }
    if (node.isValueNode()) {
      return Optional.of(node.asText());
    }
    problems.add(
        "%s: a single value, not a %s".formatted(path, node.isArray() ? "list" : "mapping"));
    return Optional.empty();
  }

  private static String shortened(String text) {
    return text.length() <= 63 ? text : text.substring(0, 60) + "...";
  }

  private InvalidNotificationSettingsException invalid(List<String> found) {
    return new InvalidNotificationSettingsException(
        file, found.stream().map(p -> Redaction.scrub(p, secretsRead)).toList());
  }
}
