package org.gloomeshupgrade.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ObjectDiffTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void namesEachChangedFieldWithItsOldAndNewValue() throws Exception {
    JsonNode live =
        json(
            "{\"metadata\":{\"name\":\"networking\",\"labels\":{\"v\":\"0.10.10\"}},"
                + "\"spec\":{\"replicas\":0,\"template\":{\"spec\":{\"containers\":[{\"image\":\"networking:0.10.10\"}]}}}}");
    JsonNode wouldBe =
        json(
            "{\"metadata\":{\"name\":\"networking\",\"labels\":{\"v\":\"0.11.3\",\"new\":\"x\"}},"
                + "\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"image\":\"networking:0.11.3\"}]}}}}");

    assertThat(ObjectDiff.changes(live, wouldBe))
        .containsExactlyInAnyOrder(
            "replace /metadata/labels/v: \"0.10.10\" -> \"0.11.3\"",
            "add /metadata/labels/new: \"x\"",
            "remove /spec/replicas",
            "replace /spec/template/spec/containers/0/image: \"networking:0.10.10\" -> \"networking:0.11.3\"");
  }

  @Test
  void aSecretsValuesAreNeverShownOnlyItsPaths() throws Exception {
    JsonNode live =
        json(
            "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"license\"},"
                + "\"data\":{\"key\":\"b2xkLWxpY2Vuc2U=\"}}");
    JsonNode wouldBe =
        json(
            "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"license\"},"
                + "\"data\":{\"key\":\"bmV3LWxpY2Vuc2U=\",\"extra\":\"c2VjcmV0\"}}");

    List<String> changes = ObjectDiff.changes(live, wouldBe);

    assertThat(changes)
        .containsExactlyInAnyOrder(
            "replace /data/key (value hidden)", "add /data/extra (value hidden)");
    assertThat(String.join("\n", changes))
        .doesNotContain("b2xkLWxpY2Vuc2U=", "bmV3LWxpY2Vuc2U=", "c2VjcmV0");
  }

  @Test
  void whatTheServerOwnsIsNotAChange() throws Exception {
    JsonNode live =
        json(
            "{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"7\",\"generation\":2,"
                + "\"managedFields\":[{\"manager\":\"x\"}]},\"spec\":{\"a\":1},\"status\":{\"ready\":1}}");
    JsonNode wouldBe =
        json(
            "{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"8\",\"generation\":3,"
                + "\"managedFields\":[]},\"spec\":{\"a\":1},\"status\":{\"ready\":0}}");

    assertThat(ObjectDiff.changes(live, wouldBe)).isEmpty();
    assertThat(ObjectDiff.summary(List.of())).isEqualTo("no change");
  }

  @Test
  void aLongListOfChangesIsCutAndCounted() {
    List<String> many = IntStream.range(0, 13).mapToObj(i -> "add /spec/f" + i + ": 1").toList();

    String summary = ObjectDiff.summary(many);

    assertThat(summary)
        .startsWith("add /spec/f0: 1; ")
        .contains("add /spec/f9: 1")
        .doesNotContain("/spec/f10")
        .endsWith("; and 3 more");
  }
}
