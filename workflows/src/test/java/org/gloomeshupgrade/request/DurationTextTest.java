package org.gloomeshupgrade.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
  @Test
  void readsShortAndIsoForms() {
    assertThat(DurationText.parse("15s")).contains(Duration.ofSeconds(15));
    assertThat(DurationText.parse("1h30m")).contains(Duration.ofMinutes(90));
    assertThat(DurationText.parse("250ms")).contains(Duration.ofMillis(250));
    assertThat(DurationText.parse("2d")).contains(Duration.ofDays(2));
    assertThat(DurationText.parse("PT2M")).contains(Duration.ofMinutes(2));
  }

  @Test
  void refusesAnythingElse() {
    assertThat(DurationText.parse("15")).isEmpty();
    assertThat(DurationText.parse("1.5s")).isEmpty();
    assertThat(DurationText.parse("-1s")).isEmpty();
    assertThat(DurationText.parse("PTx")).isEmpty();
    assertThat(DurationText.parse("")).isEmpty();
  }

  @Test
  void formatsForPeople() {
    assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
    assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
  }
}
