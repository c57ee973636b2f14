package org.gloomeshupgrade.backup;

import static java.time.ZoneOffset.UTC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupActivitiesImplTest {
  private static final String NS = "gloo-mesh";
  private static final String ID = "gloo-mesh-upgrade-mgmt";
  private static final ResourceDefinitionContext TRAFFIC_POLICIES =
      kind("networking.mesh.gloo.solo.io", "v1alpha2", "TrafficPolicy", "trafficpolicies");
  private static final ResourceDefinitionContext VIRTUAL_MESHES =
      kind("networking.mesh.gloo.solo.io", "v1alpha2", "VirtualMesh", "virtualmeshes");
  private static final ResourceDefinitionContext SETTINGS =
      kind("settings.mesh.gloo.solo.io", "v1alpha2", "Settings", "settings");

  @TempDir Path tmp;
  private SimulatedGlooMesh sim;
  private KubernetesClients clients;
  private KubernetesClient mgmt;

  @BeforeEach
  void start() {
    sim =
        SimulatedGlooMesh.builder()
            .managementCluster("mgmt")
            .remoteClusters("cluster-1")
            .glooMeshVersion("0.10.10")
            .build();
    clients = new KubernetesClients(sim.kubeconfig(), "mgmt");
    mgmt = sim.client("mgmt");
  }

  @AfterEach
  void stop() {
    if (clients != null) {
      clients.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void restoreBringsBackDeletedAndChangedResourcesAsTheyWereAndASecondRestoreChangesNothing() {
    BackupActivitiesImpl backups = new BackupActivitiesImpl(clients, tmp.resolve("backups"), 0);
    Map<String, Map<String, Object>> before = configuration();

    BackupResult backup = backups.backup(input(ID));

    assertThat(backup.keptExisting()).isFalse();
    assertThat(backup.resourcesByKind())
        .containsKeys("TrafficPolicy", "VirtualMesh", "Settings", "KubernetesCluster")
        .doesNotContainKeys("Mesh", "Workload", "TrafficTarget");
    assertThat(backup.location()).contains("Secrets gloo-mesh/gmu-backup-", "on mgmt", "backups");
    assertThat(Files.exists(tmp.resolve("backups").resolve(ID + ".json.gz"))).isTrue();

    // The loss: a TrafficPolicy and the Settings deleted, the
    // VirtualMesh changed in spec, labels and annotations.
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace(NS)
        .withName("mgmt-retries")
        .delete();
    mgmt.genericKubernetesResources(SETTINGS).inNamespace(NS).withName("settings").delete();
    mgmt.genericKubernetesResources(VIRTUAL_MESHES)
        .inNamespace(NS)
        .withName("virtual-mesh")
        .edit(
            vm -> {
              vm.getAdditionalProperties()
                  .put("spec", Map.of("federation", Map.of("mode", "PERMISSIVE")));
              vm.getMetadata().setLabels(Map.of("changed", "by-hand"));
              vm.getMetadata().setAnnotations(Map.of("note", "oops"));
              return vm;
            });
    assertThat(configuration()).isNotEqualTo(before);

    RestoreResult first = backups.restore(new RestoreInput("mgmt", NS, ID));

    assertThat(first.created())
        .containsExactlyInAnyOrder(
            "TrafficPolicy gloo-mesh/mgmt-retries", "Settings gloo-mesh/settings");
    assertThat(first.updated()).containsExactly("VirtualMesh gloo-mesh/virtual-mesh");
    assertThat(configuration()).isEqualTo(before);

    RestoreResult second = backups.restore(new RestoreInput("mgmt", NS, ID));
    assertThat(second.created()).isEmpty();
    assertThat(second.updated()).isEmpty();
    assertThat(second.unchanged()).isEqualTo(backup.resources());
  }

  @Test
  void aBackupLargerThanOneMebibyteIsSplitAndRestoredWhole() {
    // Incompressible annotations, so the compressed backup really is larger than 1 MiB.
    Random random = new Random(7);
    IntStream.range(0, 60)
        .forEach(
            i -> {
              byte[] noise = new byte[24 * 1024];
              random.nextBytes(noise);
              mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
                  .inNamespace(NS)
                  .resource(
                      new GenericKubernetesResourceBuilder()
                          .withApiVersion("networking.mesh.gloo.solo.io/v1alpha2")
                          .withKind("TrafficPolicy")
                          .withNewMetadata()
                          .withName("bulk-" + i)
                          .withNamespace(NS)
                          .addToAnnotations("payload", Base64.getEncoder().encodeToString(noise))
                          .endMetadata()
                          .addToAdditionalProperties(
                              "spec", Map.of("retries", Map.of("attempts", i)))
                          .build())
                  .create();
            });
    Map<String, Map<String, Object>> before = configuration();
    BackupActivitiesImpl backups = new BackupActivitiesImpl(clients, null, 0);

    BackupResult backup = backups.backup(input(ID));

    assertThat(backup.bytes()).isGreaterThan(1024 * 1024);
    List<Secret> chunks =
        mgmt.secrets()
            .inNamespace(NS)
            .withLabel(BackupSecrets.BACKUP_LABEL, BackupSecrets.label(ID))
            .list()
            .getItems();
    assertThat(chunks)
        .hasSize(backup.chunks())
        .hasSizeGreaterThan(1)
        .allSatisfy(
            s ->
                assertThat(Base64.getDecoder().decode(s.getData().get(BackupSecrets.DATA_KEY)))
                    .hasSizeLessThanOrEqualTo(BackupSecrets.DEFAULT_CHUNK_BYTES));

    IntStream.range(0, 60)
        .forEach(
            i ->
                mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
                    .inNamespace(NS)
                    .withName("bulk-" + i)
                    .delete());
    RestoreResult restored = backups.restore(new RestoreInput("mgmt", NS, ID));

    assertThat(restored.created()).hasSize(60);
    assertThat(configuration()).isEqualTo(before);
  }

  @Test
  void aCompleteBackupIsKeptWhenTheSameRunBacksUpAgainAndAPartialOneIsRefused() {
    BackupActivitiesImpl backups =
        new BackupActivitiesImpl(clients, null, 0, 512, Clock.systemUTC());
    BackupResult first = backups.backup(input(ID));
    assertThat(first.chunks()).isGreaterThan(1);
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace(NS)
        .withName("mgmt-retries")
        .delete();

    BackupResult again = backups.backup(input(ID));

    assertThat(again.keptExisting()).isTrue();
    assertThat(again.resourcesByKind()).isEqualTo(first.resourcesByKind());

    mgmt.secrets().inNamespace(NS).withName(BackupSecrets.secretName(ID, 1)).delete();
    ApplicationFailure partial =
        catchThrowableOfType(
            ApplicationFailure.class, () -> backups.restore(new RestoreInput("mgmt", NS, ID)));
    assertThat(partial.getType()).isEqualTo(FailureTypes.BACKUP_INVALID);
    assertThat(partial.getOriginalMessage()).contains("incomplete", "of " + first.chunks());
    assertThat(
            mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
                .inNamespace(NS)
                .withName("mgmt-retries")
                .get())
        .as("nothing restored from a partial backup")
        .isNull();

    ApplicationFailure none =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> backups.restore(new RestoreInput("mgmt", NS, "another-run")));
    assertThat(none.getType()).isEqualTo(FailureTypes.NOT_FOUND);
  }

  @Test
  void aRetryAfterAFaultBetweenTwoChunksWritesTheBackupWhole() {
    Map<String, Map<String, Object>> before = configuration();
    BackupActivitiesImpl backups =
        new BackupActivitiesImpl(clients, null, 0, 512, Clock.systemUTC());
    // The first chunk is written, the second refused.
    sim.faults("mgmt").failAfter("POST", "/namespaces/" + NS + "/secrets$", 1, 503);

    ApplicationFailure fault =
        catchThrowableOfType(ApplicationFailure.class, () -> backups.backup(input(ID)));
    assertThat(fault.isNonRetryable()).isFalse();
    assertThat(backupSecrets()).hasSize(1);

    BackupResult retried = backups.backup(input(ID));

    assertThat(retried.keptExisting()).isFalse();
    assertThat(retried.chunks()).isGreaterThan(1);
    assertThat(backupSecrets()).hasSize(retried.chunks());
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace(NS)
        .withName("mgmt-retries")
        .delete();
    backups.restore(new RestoreInput("mgmt", NS, ID));
    assertThat(configuration()).isEqualTo(before);
  }

  @Test
  void aConflictOnAChunksCreateIsTriedAgainNotTakenForAnExistingChunk() {
    // A 409 on a create is not always AlreadyExists: a quota's Conflict is not. Taken for one, the
    // create became an update of a Secret that was never written, and a 404 no retry could fix.
    BackupActivitiesImpl backups =
        new BackupActivitiesImpl(clients, null, 0, 512, Clock.systemUTC());
    sim.faults("mgmt").failAfter("POST", "/namespaces/" + NS + "/secrets$", 1, 409);

    BackupResult result = backups.backup(input(ID));

    assertThat(sim.faults("mgmt").injectedCount()).isEqualTo(1);
    assertThat(result.chunks()).isGreaterThan(1);
    assertThat(backupSecrets()).hasSize(result.chunks());
  }

  @Test
  void aRetryThatNeedsFewerChunksRemovesThoseAnEarlierAttemptLeftPastThem() {
    BackupResult small =
        new BackupActivitiesImpl(clients, null, 0, 256, Clock.systemUTC()).backup(input(ID));
    mgmt.secrets()
        .inNamespace(NS)
        .withName(BackupSecrets.secretName(ID, small.chunks() - 1))
        .delete();

    BackupActivitiesImpl backups =
        new BackupActivitiesImpl(clients, null, 0, 4096, Clock.systemUTC());
    BackupResult retried = backups.backup(input(ID));

    assertThat(retried.chunks()).isLessThan(small.chunks() - 1);
    assertThat(backupSecrets()).hasSize(retried.chunks());
    assertThat(backups.backup(input(ID)).keptExisting())
        .as("whole again: a third backup keeps it")
        .isTrue();
  }

  @Test
  void retentionRemovesTheClustersOldestBackupsBeyondTheOnesKeptButNeverTheOneJustTaken()
      throws Exception {
    Path folder = tmp.resolve("kept");
    BackupResult first = at("2026-01-01T00:00:00Z", folder, 2).backup(input("wf@run-1"));
    at("2026-03-01T00:00:00Z", folder, 2).backup(input("wf@run-2"));
    assertThat(first.removed()).isEmpty();
    // The clock of the third is behind the others': the one just taken is kept all the same.
    BackupResult third = at("2025-12-01T00:00:00Z", folder, 2).backup(input("wf@run-3"));

    assertThat(third.removed()).containsExactly("wf@run-1");
    assertThat(listed(2))
        .as("oldest first, by the time each says")
        .containsExactly("wf@run-3", "wf@run-2");
    assertThat(folder.resolve("wf_run-1.json.gz")).doesNotExist();
    assertThat(folder.resolve("wf_run-2.json.gz")).exists();
    ApplicationFailure gone =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                at("2026-04-01T00:00:00Z", null, 2)
                    .restore(new RestoreInput("mgmt", NS, "wf@run-1")));
    assertThat(gone.getType()).isEqualTo(FailureTypes.NOT_FOUND);

    BackupResult kept = at("2026-05-01T00:00:00Z", folder, 2).backup(input("wf@run-3"));
    assertThat(kept.keptExisting()).isTrue();
    assertThat(kept.removed()).as("a backup kept as it was removes nothing").isEmpty();
    BackupResult all = at("2026-06-01T00:00:00Z", folder, 0).backup(input("wf@run-4"));
    assertThat(all.removed()).as("0 keeps all").isEmpty();
    assertThat(listed(0)).hasSize(3);
  }

  @Test
  void aBackupWhoseRetentionIsRefusedStandsAndNamesWhatItCouldNotRemove() {
    at("2026-01-01T00:00:00Z", null, 1).backup(input("wf@run-1"));
    sim.faults("mgmt").failNext("DELETE", "/namespaces/" + NS + "/secrets/gmu-backup-.*", 403, 10);

    BackupResult second = at("2026-02-01T00:00:00Z", null, 1).backup(input("wf@run-2"));

    assertThat(second.keptExisting()).isFalse();
    assertThat(second.removed()).isEmpty();
    assertThat(second.retentionProblems())
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("wf@run-1 not removed: 403 Forbidden"));
    assertThat(listed(0)).containsExactly("wf@run-1", "wf@run-2");
  }

  @Test
  void aListingShowsEachBackupsRunTimeVersionsSizeAndResourcesNewestFirst() {
    BackupResult older =
        at("2026-01-01T00:00:00Z", null, 0)
            .backup(
                new BackupInput(
                    "mgmt", NS, "gmu-x@run-1", "discovery", "gmu-x", "0.10.10", "0.11.3"));
    BackupResult newer =
        new BackupActivitiesImpl(
                clients, null, 0, 256, Clock.fixed(Instant.parse("2026-02-01T00:00:00Z"), UTC))
            .backup(
                new BackupInput(
                    "mgmt", NS, "gmu-x@run-2", "discovery", "gmu-x", "0.11.3", "0.12.0"));
    mgmt.secrets().inNamespace(NS).withName(BackupSecrets.secretName("gmu-x@run-2", 1)).delete();

    BackupList list = at("2026-03-01T00:00:00Z", null, 4).list(new BackupListInput("mgmt", NS));

    assertThat(list.keep()).isEqualTo(4);
    assertThat(list.context()).isEqualTo("mgmt");
    assertThat(list.backups())
        .containsExactly(
            new BackupSummary(
                "gmu-x@run-2",
                "gmu-x",
                "2026-02-01T00:00:00Z",
                "0.11.3",
                "0.12.0",
                newer.bytes(),
                newer.resources(),
                "incomplete: it has chunks %s of %d"
                    .formatted(
                        IntStream.range(0, newer.chunks()).filter(i -> i != 1).boxed().toList(),
                        newer.chunks())),
            new BackupSummary(
                "gmu-x@run-1",
                "gmu-x",
                "2026-01-01T00:00:00Z",
                "0.10.10",
                "0.11.3",
                older.bytes(),
                older.resources(),
                ""));
  }

  @Test
  void aBackupWrittenBeforeBackupIdsHadTheirOwnAnnotationIsFoundListedAndRemovedByItsWorkflowId() {
    Map<String, Map<String, Object>> before = configuration();
    at("2026-01-01T00:00:00Z", null, 0).backup(input(ID));
    for (Secret chunk : backupSecrets()) {
      chunk.getMetadata().getAnnotations().remove(BackupSecrets.BACKUP_ID_ANNOTATION);
      chunk.getMetadata().getAnnotations().remove(BackupSecrets.TAKEN_AT_ANNOTATION);
      chunk.getMetadata().getAnnotations().put(BackupSecrets.WORKFLOW_ID_ANNOTATION, ID);
      mgmt.secrets().resource(chunk).update();
    }
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace(NS)
        .withName("mgmt-retries")
        .delete();

    assertThat(
            at("2026-02-01T00:00:00Z", null, 0).restore(new RestoreInput("mgmt", NS, ID)).created())
        .containsExactly("TrafficPolicy gloo-mesh/mgmt-retries");
    assertThat(configuration()).isEqualTo(before);
    assertThat(listed(0)).containsExactly(ID);
    BackupResult next = at("2026-03-01T00:00:00Z", null, 1).backup(input(ID + "@run-2"));
    assertThat(next.removed()).containsExactly(ID);
    assertThat(backupSecrets()).isEmpty();
  }

  private BackupActivitiesImpl at(String instant, Path folder, int keep) {
    return new BackupActivitiesImpl(
        clients,
        folder,
        keep,
        BackupSecrets.DEFAULT_CHUNK_BYTES,
        Clock.fixed(Instant.parse(instant), UTC));
  }

  /** The backup IDs listed, oldest first. */
  private List<String> listed(int keep) {
    List<String> ids =
        new java.util.ArrayList<>(
            at("2030-01-01T00:00:00Z", null, keep)
                .list(new BackupListInput("mgmt", NS))
                .backups()
                .stream()
                .map(BackupSummary::backupId)
                .toList());
    java.util.Collections.reverse(ids);
    return ids;
  }

  private List<Secret> backupSecrets() {
    return mgmt.secrets()
        .inNamespace(NS)
        .withLabel(BackupSecrets.BACKUP_LABEL, BackupSecrets.label(ID))
        .list()
        .getItems();
  }

  /** Kind/namespace/name to spec, labels and annotations of every saved kind's resources. */
  private Map<String, Map<String, Object>> configuration() {
    Map<String, Map<String, Object>> all = new TreeMap<>();
    for (ResourceDefinitionContext kind : List.of(TRAFFIC_POLICIES, VIRTUAL_MESHES, SETTINGS)) {
      for (GenericKubernetesResource r :
          mgmt.genericKubernetesResources(kind).inAnyNamespace().list().getItems()) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("spec", r.getAdditionalProperties().get("spec"));
        fields.put(
            "labels", r.getMetadata().getLabels() == null ? Map.of() : r.getMetadata().getLabels());
        fields.put(
            "annotations",
            r.getMetadata().getAnnotations() == null ? Map.of() : r.getMetadata().getAnnotations());
        all.put(
            r.getKind() + " " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
            fields);
      }
    }
    assertThat(all).isNotEmpty();
    return all;
  }

  private static ResourceDefinitionContext kind(
      String group, String version, String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  private static BackupInput input(String backupId) {
    return new BackupInput("mgmt", NS, backupId, "discovery", null, "", "");
  }
}
