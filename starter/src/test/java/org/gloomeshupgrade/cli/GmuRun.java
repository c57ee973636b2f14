package org.gloomeshupgrade.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/** A {@code gmu} command run in this JVM, with what it printed. */
record GmuRun(int exit, String out, String err) {
  static GmuRun gmu(String... args) {
    return capturing(() -> GmuCli.commandLine().execute(args));
  }

  /** Runs {@code body} with stdout and stderr captured, each on its own. */
  static GmuRun capturing(IntSupplier body) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = body.getAsInt();
      return new GmuRun(
          exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
