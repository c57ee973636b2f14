package org.gloomeshupgrade.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.gloomeshupgrade.backup.BackupResult;
import org.gloomeshupgrade.discovery.DiscoveryCounts;
import org.gloomeshupgrade.discovery.DiscoveryDeleteResult;
import org.gloomeshupgrade.preflight.PreflightReport;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.EndState;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.workflow.DiscoveryProgress;
import org.junit.jupiter.api.Test;

/**
 * A message's maps come out in key order whatever order they went in: with {@code Map.copyOf} they
 * came out in an order that changes from one JVM to the next (twenty-six keys make a lucky pass
 * practically impossible).
 */
class MessageMapOrderTest {

  private static final List<String> KEYS =
      IntStream.rangeClosed('a', 'z')
          .mapToObj(c -> Character.toString((char) c) + "-kind")
          .toList();

  private static Map<String, Integer> scrambled() {
    Map<String, Integer> map = new HashMap<>();
    for (int i = KEYS.size() - 1; i >= 0; i--) {
      map.put(KEYS.get(i), i);
    }
    return map;
  }

  @Test
  void theEndStateListsDeploymentsAndKindsInNameOrder() {
    VerifyCheck green = new VerifyCheck("x", CheckLevel.GREEN, "", "");
    EndState seen =
        new EndState(scrambled(), scrambled(), green, green, List.of(), scrambled(), null);

    assertThat(seen.replicas().keySet()).containsExactlyElementsOf(KEYS);
    assertThat(seen.available().keySet()).containsExactlyElementsOf(KEYS);
    assertThat(seen.discovery().keySet()).containsExactlyElementsOf(KEYS);
  }

  @Test
  void preflightFactsAndDiscoveryCountsComeInNameOrder() {
    PreflightReport pre =
        new PreflightReport(
            "mgmt",
            "1.30",
            "0.10.10",
            Map.copyOf(scrambled()).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> "0.10.10")),
            scrambled(),
            scrambled(),
            List.of(),
            0,
            List.of());

    assertThat(pre.deploymentVersions().keySet()).containsExactlyElementsOf(KEYS);
    assertThat(pre.originalReplicas().keySet()).containsExactlyElementsOf(KEYS);
    assertThat(pre.discoveryInventory().keySet()).containsExactlyElementsOf(KEYS);
    assertThat(new DiscoveryCounts(scrambled()).byKind().keySet()).containsExactlyElementsOf(KEYS);
    assertThat(new DiscoveryDeleteResult(scrambled(), 3).deletedByKind().keySet())
        .containsExactlyElementsOf(KEYS);
    DiscoveryProgress progress = new DiscoveryProgress(scrambled(), scrambled(), 1, "");
    assertThat(progress.inventory().keySet()).containsExactlyElementsOf(KEYS);
    assertThat(progress.current().keySet()).containsExactlyElementsOf(KEYS);
  }

  @Test
  void anAbsentMapStaysAbsent() {
    assertThat(new DiscoveryCounts(null).byKind()).isNull();
  }

  @Test
  void aBackupCountsItsKindsInNameOrderAndSerializesThatWay() throws Exception {
    BackupResult backup =
        new BackupResult("id", "location", scrambled(), 1, 10L, false, false, List.of(), List.of());

    assertThat(backup.resourcesByKind().keySet()).containsExactlyElementsOf(KEYS);
    String json = new ObjectMapper().writeValueAsString(backup);
    assertThat(json)
        .contains(
            KEYS.stream()
                .map(k -> "\"" + k + "\":" + KEYS.indexOf(k))
                .collect(Collectors.joining(",", "{", "}")));
  }
}
