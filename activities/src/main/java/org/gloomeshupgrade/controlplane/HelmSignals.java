package org.gloomeshupgrade.controlplane;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import sun.misc.Signal;

/**
 * helm-java's Helm is Go code, and its install and template actions register Go signal handlers for
 * SIGTERM, SIGINT and SIGQUIT the first time they run. From then on the JVM never sees those
 * signals: no shutdown hooks, no graceful stop, Ctrl-C ignored, and no {@code jcmd}, {@code jstack}
 * or {@code kill -3} thread dump (the JVM's attach mechanism starts on SIGQUIT). A process that
 * will use Helm calls {@link #keepJvmShutdown()} once at start-up: it runs that first render on an
 * empty chart, then hands all three back to the JVM. Go takes a signal only once, so later renders
 * do not take them again.
 */
public final class HelmSignals {
  private static boolean done;

  private HelmSignals() {}

  public static synchronized void keepJvmShutdown() {
    if (done) {
      return;
    }
    JvmQuitHandler quit = JvmQuitHandler.save();
    Path chart = null;
    try {
      chart = Files.createTempDirectory("gmu-helm-warm-up");
      Files.writeString(
          chart.resolve("Chart.yaml"), "apiVersion: v2\nname: warm-up\nversion: 0.0.1\n");
      Helm.template(chart.toString()).withName("warm-up").call();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the Helm warm-up chart", e);
    } finally {
      delete(chart);
    }
    for (String name : List.of("TERM", "INT")) {
      Signal.handle(new Signal(name), signal -> System.exit(128 + signal.getNumber()));
    }
    // The JVM refuses Signal.handle for SIGQUIT, its own: its handler goes back as it was saved.
    quit.restore();
    done = true;
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover empty temporary folder is harmless
    }
  }
}
