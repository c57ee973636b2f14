package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What gmu prints on stdout is piped into jq and files (status --json, history -o -): a log line
 * must not land in it.
 */
class LogTargetTest {

  @Test
  void aWarningLoggedWhileACommandRunsGoesToStandardError() {
    GmuRun logged =
        GmuRun.capturing(
            () -> {
              LoggerFactory.getLogger("org.gloomeshupgrade.worker.UpgradeWorker")
                  .warn("cluster=mgmt something to know");
              return 0;
            });

    assertThat(logged.out()).isEmpty();
    assertThat(logged.err()).contains("WARN").contains("cluster=mgmt something to know");
  }
}
