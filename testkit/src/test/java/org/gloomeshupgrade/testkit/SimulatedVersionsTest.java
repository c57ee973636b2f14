package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SimulatedVersionsTest {
  @Test
  void atLeastComparesEachPartAsANumber() {
    assertThat(SimulatedVersions.atLeast("0.12.8", 0, 12, 3)).isTrue();
    assertThat(SimulatedVersions.atLeast("0.12.10", 0, 12, 3)).isTrue();
    assertThat(SimulatedVersions.atLeast("0.12.0", 0, 12, 0)).isTrue();
    assertThat(SimulatedVersions.atLeast("0.12.0", 0, 12, 3)).isFalse();
    assertThat(SimulatedVersions.atLeast("0.11.3", 0, 12, 0)).isFalse();
    assertThat(SimulatedVersions.atLeast("0.10.10", 0, 9, 20)).isTrue();
  }

  @Test
  void atLeastRefusesTextThatIsNotAVersion() {
    assertThatThrownBy(() -> SimulatedVersions.atLeast("latest", 0, 12, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("latest");
  }
}
