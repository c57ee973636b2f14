package org.gloomeshupgrade.request;

import java.util.List;

/** A request that cannot run; each problem names its field. */
public final class InvalidRequestException extends RuntimeException {
  private final List<String> problems;

  public InvalidRequestException(List<String> problems) {
    super("invalid upgrade request: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
