package org.gloomeshupgrade.controlplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The fake meshctl of the test resources, installed in a folder of its own, and what it was asked
 * to do.
 */
public final class FakeMeshctl {
  private final Path dir;

  private FakeMeshctl(Path dir) {
    this.dir = dir;
  }

  /** Copies the fake into {@code dir} as an executable named {@code meshctl}. */
  public static FakeMeshctl installIn(Path dir) {
    try {
      Files.createDirectories(dir);
      Path script = dir.resolve("meshctl");
      try (InputStream in = resource("/controlplane/fake-meshctl.sh")) {
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      if (!script.toFile().setExecutable(true)) {
        throw new IOException("cannot make " + script + " executable");
      }
      return new FakeMeshctl(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path dir() {
    return dir;
  }

  public Path binary() {
    return dir.resolve("meshctl");
  }

  /**
   * Makes the fake print a fixture of {@code meshctl/} for a command: {@code "version"} or {@code
   * "check"}.
   */
  public FakeMeshctl prints(String command, String fixture) {
    try (InputStream in = resource("/meshctl/" + fixture)) {
      Files.copy(in, dir.resolve(command + ".out"), StandardCopyOption.REPLACE_EXISTING);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes one of the fake's state files (see the script's header). */
  public FakeMeshctl with(String file, String content) {
    try {
      Files.writeString(dir.resolve(file), content);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The argument lists it recorded, one list per call, without the binary. */
  public List<List<String>> calls() {
    Path file = dir.resolve("calls");
    List<List<String>> calls = new ArrayList<>();
    if (!Files.exists(file)) {
      return calls;
    }
    try {
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); ) {
        int count = Integer.parseInt(lines.get(i++));
        calls.add(List.copyOf(lines.subList(i, i + count)));
        i += count;
      }
      return calls;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The KUBECONFIG of its last call. */
  public String kubeconfig() {
    try {
      return Files.readString(dir.resolve("kubeconfig")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String fixture(String name) {
    try (InputStream in = resource("/meshctl/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String name) {
    return Objects.requireNonNull(FakeMeshctl.class.getResourceAsStream(name), name);
  }
}
