package org.gloomeshupgrade.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
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

  private static List<String> acceptedUnder(UpgradeRequestParser.Rules rules) throws Exception {
    List<String> accepted = new ArrayList<>();
    for (BadRequests.Case bad : BadRequests.all()) {
      try {
        UpgradeRequestParser.parse(JSON.readTree(bad.json()), rules);
        accepted.add(bad.name());
      } catch (InvalidRequestException refused) {
        // Refused under these rules too.
      }
    }
    return accepted;
  }

  /**
   * Runs that started under earlier rules replay under them: what each change added, and no more.
   */
  @Test
  void earlierRulesAcceptOnlyWhatLaterChangesRefuse() throws Exception {
    assertThat(acceptedUnder(UpgradeRequestParser.Rules.BEFORE_SOURCE_FORMS))
        .containsExactlyInAnyOrder(
            "a chart URL with credentials",
            "a chart URL with a user",
            "a CRD source URL with a token in its query",
            "a CRD source as a file URL",
            "a chart URL climbing with encoded dots",
            "agent charts climbing a folder",
            "a relative meshctl path",
            "a values file as a URL",
            "a values file climbing out of its folder");
    assertThat(acceptedUnder(UpgradeRequestParser.Rules.BEFORE_LIMITS)).hasSize(22);
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
