package org.gloomeshupgrade.backup;

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
    BackupActivitiesImpl backups = new BackupActivitiesImpl(clients, tmp.resolve("backups"));
    Map<String, Map<String, Object>> before = configuration();

    BackupResult backup = backups.backup(new BackupInput("mgmt", NS, ID, "discovery"));

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
    BackupActivitiesImpl backups = new BackupActivitiesImpl(clients, null);

    BackupResult backup = backups.backup(new BackupInput("mgmt", NS, ID, "discovery"));

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
    BackupActivitiesImpl backups = new BackupActivitiesImpl(clients, null, 512);
    BackupResult first = backups.backup(new BackupInput("mgmt", NS, ID, "discovery"));
    assertThat(first.chunks()).isGreaterThan(1);
    mgmt.genericKubernetesResources(TRAFFIC_POLICIES)
        .inNamespace(NS)
        .withName("mgmt-retries")
        .delete();

    BackupResult again = backups.backup(new BackupInput("mgmt", NS, ID, "discovery"));

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
    BackupActivitiesImpl backups = new BackupActivitiesImpl(clients, null, 512);
    // The first chunk is written, the second refused.
    sim.faults("mgmt").failAfter("POST", "/namespaces/" + NS + "/secrets$", 1, 503);

    ApplicationFailure fault =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> backups.backup(new BackupInput("mgmt", NS, ID, "discovery")));
    assertThat(fault.isNonRetryable()).isFalse();
    assertThat(backupSecrets()).hasSize(1);

    BackupResult retried = backups.backup(new BackupInput("mgmt", NS, ID, "discovery"));

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
    BackupActivitiesImpl backups = new BackupActivitiesImpl(clients, null, 512);
    sim.faults("mgmt").failAfter("POST", "/namespaces/" + NS + "/secrets$", 1, 409);

    BackupResult result = backups.backup(new BackupInput("mgmt", NS, ID, "discovery"));

    assertThat(sim.faults("mgmt").injectedCount()).isEqualTo(1);
    assertThat(result.chunks()).isGreaterThan(1);
    assertThat(backupSecrets()).hasSize(result.chunks());
  }

  @Test
  void aRetryThatNeedsFewerChunksRemovesThoseAnEarlierAttemptLeftPastThem() {
    BackupResult small =
        new BackupActivitiesImpl(clients, null, 256)
            .backup(new BackupInput("mgmt", NS, ID, "discovery"));
    mgmt.secrets()
        .inNamespace(NS)
        .withName(BackupSecrets.secretName(ID, small.chunks() - 1))
        .delete();

    BackupActivitiesImpl backups = new BackupActivitiesImpl(clients, null, 4096);
    BackupResult retried = backups.backup(new BackupInput("mgmt", NS, ID, "discovery"));

    assertThat(retried.chunks()).isLessThan(small.chunks() - 1);
    assertThat(backupSecrets()).hasSize(retried.chunks());
    assertThat(backups.backup(new BackupInput("mgmt", NS, ID, "discovery")).keptExisting())
        .as("whole again: a third backup keeps it")
        .isTrue();
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
}
