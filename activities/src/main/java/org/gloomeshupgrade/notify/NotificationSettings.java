package org.gloomeshupgrade.notify;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The worker's notification destinations, from the file given with {@code --notifications} (YAML or
 * JSON, described in docs/notifications.md). URLs and tokens stay here, on the worker: the workflow
 * knows a destination by its name only.
 */
public final class NotificationSettings {
  private static final NotificationSettings NONE = new NotificationSettings("", List.of());

  private final String temporalUi;
  private final List<Destination> destinations;

  NotificationSettings(String temporalUi, List<Destination> destinations) {
    this.temporalUi = temporalUi;
    this.destinations = List.copyOf(destinations);
  }

  /** A worker without a notifications file: no destinations, so a run tells nobody. */
  public static NotificationSettings none() {
    return NONE;
  }

  /** As {@link #load(Path, Function)} with the process environment. */
  public static NotificationSettings load(Path file) {
    return load(file, System::getenv);
  }

  /**
   * Reads and checks the file. Every URL and token file must exist and be readable now; it is read
   * again for each message, so a rotated one is used without a restart.
   *
   * @param env looks up the variables urlEnv and tokenEnv name (null when unset)
   * @throws InvalidNotificationSettingsException listing every problem, each naming its field, and
   *     no URL or token
   */
  public static NotificationSettings load(Path file, Function<String, String> env) {
    return new NotificationSettingsFile(file, env).read();
  }

  /** The Temporal UI's base URL, without a trailing slash; empty when not set. */
  public Optional<String> temporalUi() {
    return temporalUi.isEmpty() ? Optional.empty() : Optional.of(temporalUi);
  }

  public List<Destination> destinations() {
    return destinations;
  }

  public Optional<Destination> destination(String name) {
    return destinations.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  public List<String> names() {
    return destinations.stream().map(Destination::name).toList();
  }

  /** What the workflow may know of each destination: name, kind and events. */
  public List<NotificationRoute> routes() {
    return destinations.stream().map(Destination::route).toList();
  }

  /**
   * For the worker's start-up log: each destination's name, kind, events and where its URL comes
   * from, never the URL.
   */
  public String describe() {
    if (destinations.isEmpty()) {
      return "to nobody (no --notifications file)";
    }
    return "to %s%s"
        .formatted(
            destinations.stream()
                .map(
                    d ->
                        "%s (%s from %s: %s)"
                            .formatted(
                                d.name(),
                                d.kind().wireName(),
                                d.url().describe(),
                                d.events().stream()
                                    .map(NotificationEvent::wireName)
                                    .collect(Collectors.joining(", "))))
                .collect(Collectors.joining(", ")),
            temporalUi().map(ui -> "; links to " + ui).orElse(""));
  }

  @Override
  public String toString() {
    return "NotificationSettings[temporalUi=%s, destinations=%s]"
        .formatted(temporalUi, destinations);
  }
}
