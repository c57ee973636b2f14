package org.gloomeshupgrade.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.gloomeshupgrade.testkit.WorkerProcess;

/**
 * The packaged {@code gmu} jar as its own process, as a person runs it: unlike {@link GmuRun#gmu},
 * it can be given environment variables, and sees no other {@code TEMPORAL_*} ones.
 */
final class GmuProcess {
  /** Where {@code mvn package} puts it; failsafe runs after package, in this module's folder. */
  static final Path JAR = Path.of("target", "gmu-all.jar");

  private GmuProcess() {}

  /** Runs {@code gmu args} with these variables; fails the test if it runs for over two minutes. */
  static GmuRun run(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(WorkerProcess.javaBinary(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("gmu", ".out");
    Path err = Files.createTempFile("gmu", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("TEMPORAL_"));
      builder.environment().putAll(env);
      Process gmu = builder.start();
      if (!gmu.waitFor(2, TimeUnit.MINUTES)) {
        gmu.destroyForcibly().waitFor();
        throw new AssertionError(
            "gmu %s still running after 2 minutes; it printed:%n%s%s"
                .formatted(String.join(" ", args), Files.readString(out), Files.readString(err)));
      }
      return new GmuRun(gmu.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
