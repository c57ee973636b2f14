package org.gloomeshupgrade.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every request of the corpus is refused by the parser, with a problem naming its field. */
class BadRequestCorpusTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<BadRequests.Case> corpus() {
    return BadRequests.all();
  }

  @Test
  void theCorpusHoldsAtLeastFortyCases() {
    assertThat(BadRequests.all()).hasSizeGreaterThanOrEqualTo(40);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedNamingTheField(BadRequests.Case bad) throws Exception {
    InvalidRequestException refused =
        catchThrowableOfType(
            InvalidRequestException.class,
            () -> UpgradeRequestParser.parse(JSON.readTree(bad.json())));

    assertThat(refused).as(bad.json()).isNotNull();
    assertThat(refused.problems()).anySatisfy(p -> assertThat(p).startsWith(bad.field()));
    assertThat(refused.getMessage()).as("quotes no value whole").hasSizeLessThan(3_000);
  }
}
