package org.gloomeshupgrade.notify;

import java.nio.file.Path;
import java.util.List;

/**
 * A notifications file the worker cannot use, with every problem found, each naming its field. No
 * problem holds a URL or token.
 */
public final class InvalidNotificationSettingsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  InvalidNotificationSettingsException(Path file, List<String> problems) {
    super(message(file, problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, each starting with the field: "destinations[1].urlEnv: ...". */
  public List<String> problems() {
    return problems;
  }

  private static String message(Path file, List<String> problems) {
    return "notifications %s: %d problem%s:\n  %s"
        .formatted(
            file, problems.size(), problems.size() == 1 ? "" : "s", String.join("\n  ", problems));
  }
}
