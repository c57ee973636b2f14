package org.gloomeshupgrade.notify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a destination's URL or token comes from: a file, an environment variable or, for a
 * webhook's URL only, the notifications file itself. It is read each time a message is sent, so a
 * rotated file (a mounted Kubernetes Secret) is used without a restart. {@link #toString()} and
 * {@link #describe()} say where it comes from, never what it holds.
 */
public final class Secret {
  private final String field;
  private final String where;
  private final Function<String, String> reader;

  private Secret(String field, String where, Function<String, String> reader) {
    this.field = field;
    this.where = where;
    this.reader = reader;
  }

  static Secret file(String field, Path file) {
    return new Secret(
        field,
        file.toString(),
        ignored -> {
          try {
            return Files.readString(file);
          } catch (IOException | SecurityException e) {
            return null;
          }
        });
  }

  static Secret env(String field, String variable, Function<String, String> env) {
    return new Secret(field, variable, env);
  }

  static Secret inline(String field, String value) {
    return new Secret(field, "", ignored -> value);
  }

  /** The value, without surrounding whitespace (files end with a newline); empty when unset. */
  public Optional<String> read() {
    String value = reader.apply(where);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  /** The settings field it was given as: url, urlFile, urlEnv, tokenFile or tokenEnv. */
  public String field() {
    return field;
  }

  /** Where it comes from, for messages: "urlFile /etc/gmu/slack-url", "urlEnv GMU_HOOK", "url". */
  public String describe() {
    return where.isEmpty() ? field : field + " " + where;
  }

  /** Why {@link #read()} came back empty, in words for a message. */
  String unreadable() {
    return field.endsWith("Env")
        ? "%s is not set".formatted(describe())
        : "%s cannot be read or is empty".formatted(describe());
  }

  @Override
  public String toString() {
    return describe();
  }
}
