package org.gloomeshupgrade.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RestoreResultTest {
  private static List<String> policies(int count) {
    return IntStream.range(0, count).mapToObj("TrafficPolicy bookinfo/tp-%d"::formatted).toList();
  }

  @Test
  void aRestoreOfThousandsNamesTheFirstAndCountsTheRest() {
    RestoreResult r = RestoreResult.listingTheFirst("b", policies(10_000), policies(3), 7);

    assertThat(r.created())
        .hasSize(RestoreResult.MAX_LISTED)
        .startsWith("TrafficPolicy bookinfo/tp-0");
    assertThat(r.createdUnlisted()).isEqualTo(10_000 - RestoreResult.MAX_LISTED);
    assertThat(r.createdCount()).isEqualTo(10_000);
    assertThat(r.updated()).hasSize(3);
    assertThat(r.updatedCount()).isEqualTo(3);
    assertThat(r.unchanged()).isEqualTo(7);
  }
}
