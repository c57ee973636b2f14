package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What gmu prints on stdout is piped into jq and files (status --json, history -o -): a log line must not land in it. */
class LogTargetTest {

  @Test
  void aWarningLoggedWhileACommandRunsGoesToStandardError() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      LoggerFactory.getLogger("org.gloomeshupgrade.worker.UpgradeWorker").warn("cluster=mgmt something to know");
    } finally {
      System.setOut(out);
      System.setErr(err);
    }

    assertThat(o.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(e.toString(StandardCharsets.UTF_8)).contains("WARN").contains("cluster=mgmt something to know");
  }
}
