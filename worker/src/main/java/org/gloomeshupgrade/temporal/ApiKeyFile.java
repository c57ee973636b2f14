package org.gloomeshupgrade.temporal;

import io.temporal.authorization.AuthorizationTokenSupplier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * An API key kept in a file, such as a mounted Kubernetes Secret: read again when the file changes,
 * so a rotated key is used without a restart.
 */
final class ApiKeyFile implements AuthorizationTokenSupplier {
  private final Path file;
  private FileTime readAt;
  private String key;

  private ApiKeyFile(Path file) {
    this.file = file;
  }

  static ApiKeyFile open(Path file) {
    ApiKeyFile keyFile = new ApiKeyFile(file);
    if (keyFile.supply().isEmpty()) {
      throw new IllegalArgumentException("the API key file %s is empty".formatted(file));
    }
    return keyFile;
  }

  @Override
  public synchronized String supply() {
    try {
      // A Secret update swaps a symbolic link: the time of what it points to now.
      FileTime modified = Files.getLastModifiedTime(file);
      if (key == null || !modified.equals(readAt)) {
        key = Files.readString(file).strip();
        readAt = modified;
      }
      return key;
    } catch (IOException e) {
      if (key != null) {
        // Between a Secret's old and new files: the key read last still stands.
        return key;
      }
      throw new UncheckedIOException("cannot read the API key file " + file, e);
    }
  }

  @Override
  public String toString() {
    return "API key from " + file;
  }
}
