package org.gloomeshupgrade.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.gloomeshupgrade.controlplane.HelmReleaseValues;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.kube.ConflictRetry;
import org.gloomeshupgrade.kube.CrdKind;
import org.gloomeshupgrade.kube.CrdKinds;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Saves and restores the Gloo Mesh configuration: see {@link BackupActivities}. */
public class BackupActivitiesImpl implements BackupActivities {
  private static final Logger log = LoggerFactory.getLogger(BackupActivitiesImpl.class);
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  /** Discovery output is rebuilt by discovery; everything else is someone's configuration. */
  static final List<String> GROUPS =
      GlooMeshGroups.ALL.stream().filter(g -> !g.equals(GlooMeshGroups.DISCOVERY)).toList();

  private static final int FORMAT = 1;

  /** Backups kept per cluster unless the worker is told otherwise: a handful of upgrades back. */
  public static final int DEFAULT_KEEP = 5;

  private final KubernetesClients clients;
  private final BackupSecrets secrets;

  /** Where a copy of each backup is written on the worker, or null. */
  private final Path folder;

  /** How many backups to keep per cluster; 0 keeps all. */
  private final int keep;

  private final Clock clock;

  public BackupActivitiesImpl(KubernetesClients clients, Path folder, int keep) {
    this(clients, folder, keep, BackupSecrets.DEFAULT_CHUNK_BYTES, Clock.systemUTC());
  }

  BackupActivitiesImpl(
      KubernetesClients clients, Path folder, int keep, int chunkBytes, Clock clock) {
    if (keep < 0) {
      throw new IllegalArgumentException("backups to keep: %d is below 0".formatted(keep));
    }
    this.clients = Objects.requireNonNull(clients, "clients");
    this.folder = folder;
    this.keep = keep;
    this.secrets = new BackupSecrets(chunkBytes);
    this.clock = clock;
  }

  @Override
  public BackupResult backup(BackupInput input) {
    String context = clients.resolve(input.context());
    KubernetesClient client = clients.forContext(context);
    String namespace = input.namespace();
    BackupSecrets.Stored existing = secrets.stored(client, context, namespace, input.backupId());
    if (existing.complete()) {
      ObjectNode kept = parse(existing.data());
      log.info(
          "backup: cluster={} backup={} already complete in {}: kept as it was",
          context,
          input.backupId(),
          namespace);
      return result(
          input.backupId(),
          location(context, namespace, input.backupId()),
          kept,
          existing.data(),
          true,
          Retention.NONE);
    }
    if (existing.partial()) {
      // An attempt that failed between two chunks: nothing was changed after it (the
      // scale-down follows a complete backup), so the live configuration is what it was saving.
      log.warn(
          "backup: cluster={} backup={} in {} is partial ({}), left by an attempt that failed"
              + " while writing it: taken again whole",
          context,
          input.backupId(),
          namespace,
          existing.problem());
    }

    ObjectNode document = JSON.createObjectNode();
    document.put("format", FORMAT);
    document.put("backupId", input.backupId());
    document.put("context", context);
    ArrayNode resources = document.putArray("resources");
    for (CrdKind kind : CrdKinds.ofGroups(client, context, GROUPS)) {
      List<GenericKubernetesResource> items = CrdKinds.list(client, context, kind);
      for (GenericKubernetesResource item : items) {
        // The plural and scope travel with each object: a restore must not depend on guessing them.
        ObjectNode entry = resources.addObject();
        entry.put("plural", kind.plural());
        entry.put("namespaced", kind.namespaced());
        entry.set("object", saved(item));
      }
      log.info(
          "backup: cluster={} kind={} {} resource(s) saved",
          context,
          kind.describe(),
          items.size());
      Heartbeats.beat("saved " + kind.kind());
    }
    Optional<HelmReleaseValues.Found> helm =
        HelmReleaseValues.of(clients, context, namespace, input.discoveryDeployment());
    helm.ifPresent(
        found -> {
          document.put("helmRelease", found.release());
          document.set("helmValues", found.values());
        });

    byte[] data = gzip(document);
    Map<String, String> details = new TreeMap<>();
    details.put(
        BackupSecrets.WORKFLOW_ID_ANNOTATION,
        input.workflowId() == null ? input.backupId() : input.workflowId());
    details.put(BackupSecrets.TAKEN_AT_ANNOTATION, clock.instant().toString());
    details.put(BackupSecrets.FROM_VERSION_ANNOTATION, nullToEmpty(input.fromVersion()));
    details.put(BackupSecrets.TARGET_VERSION_ANNOTATION, nullToEmpty(input.targetVersion()));
    details.put(BackupSecrets.RESOURCES_ANNOTATION, String.valueOf(resources.size()));
    List<String> names = secrets.write(client, context, namespace, input.backupId(), data, details);
    if (folder != null) {
      writeFile(input.backupId(), data);
    }
    String location = location(context, namespace, input.backupId());
    log.info(
        "backup: cluster={} backup={} {} resource(s){}, {} bytes in {} Secret(s): {}",
        context,
        input.backupId(),
        resources.size(),
        helm.map(f -> " and the values of Helm release " + f.release()).orElse(""),
        data.length,
        names.size(),
        location);
    Retention retention = applyRetention(client, context, namespace, input.backupId());
    return result(input.backupId(), location, document, data, false, retention);
  }

  /**
   * Removes the cluster's oldest backups beyond the ones to keep; never the one just taken, which
   * the run may need for a rollback.
   */
  private Retention applyRetention(
      KubernetesClient client, String context, String namespace, String taken) {
    if (keep == 0) {
      return Retention.NONE;
    }
    List<BackupSummary> all = secrets.all(client, context, namespace);
    List<String> removed = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int kept = 1;
    for (BackupSummary b : all) {
      if (b.backupId().equals(taken)) {
        continue;
      }
      if (kept < keep) {
        kept++;
        continue;
      }
      try {
        secrets.remove(client, context, namespace, b.backupId());
      } catch (ApplicationFailure e) {
        // Retention must never cost the run its backup step: the new backup is complete.
        log.warn(
            "backup: cluster={} backup={} not removed by retention: {}",
            context,
            b.backupId(),
            e.getOriginalMessage());
        problems.add("%s not removed: %s".formatted(b.backupId(), e.getOriginalMessage()));
        continue;
      }
      if (folder != null) {
        deleteFile(b.backupId());
      }
      removed.add(b.backupId());
      log.info(
          "backup: cluster={} backup={} taken {} removed: the worker keeps the last {}",
          context,
          b.backupId(),
          b.takenAt(),
          keep);
    }
    return new Retention(removed, problems);
  }

  /** What retention removed, and what it could not. */
  private record Retention(List<String> removed, List<String> problems) {
    static final Retention NONE = new Retention(List.of(), List.of());
  }

  @Override
  public BackupList list(BackupListInput input) {
    String context = clients.resolve(input.context());
    KubernetesClient client = clients.forContext(context);
    List<BackupSummary> all = secrets.all(client, context, input.namespace());
    log.info(
        "backups: cluster={} namespace={} {} backup(s) listed",
        context,
        input.namespace(),
        all.size());
    return new BackupList(context, input.namespace(), keep, all);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  @Override
  public RestoreResult restore(RestoreInput input) {
    String context = clients.resolve(input.context());
    KubernetesClient client = clients.forContext(context);
    byte[] data =
        secrets
            .read(client, context, input.namespace(), input.backupId())
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "no backup of "
                            + input.backupId()
                            + " in namespace "
                            + input.namespace()
                            + " on cluster "
                            + context,
                        FailureTypes.NOT_FOUND));
    ObjectNode document = parse(data);
    List<String> created = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    int unchanged = 0;
    for (JsonNode entry : document.path("resources")) {
      GenericKubernetesResource wanted =
          JSON.convertValue(entry.path("object"), GenericKubernetesResource.class);
      ResourceDefinitionContext kind =
          contextOf(
              wanted, entry.path("plural").asText(), entry.path("namespaced").asBoolean(true));
      String id =
          wanted.getKind()
              + " "
              + (wanted.getMetadata().getNamespace() == null
                  ? ""
                  : wanted.getMetadata().getNamespace() + "/")
              + wanted.getMetadata().getName();
      String outcome =
          KubernetesFailures.call(
              "restoring " + id,
              context,
              () -> ConflictRetry.onConflict(() -> restoreOne(client, kind, wanted)));
      switch (outcome) {
        case "created" -> created.add(id);
        case "updated" -> updated.add(id);
        default -> unchanged++;
      }
      if (!outcome.equals("unchanged")) {
        log.info("restore: cluster={} {} {}", context, id, outcome);
      }
      Heartbeats.beat("restored " + id);
    }
    log.info(
        "restore: cluster={} backup={} {} created, {} updated, {} unchanged",
        context,
        input.backupId(),
        created.size(),
        updated.size(),
        unchanged);
    return RestoreResult.listingTheFirst(input.backupId(), created, updated, unchanged);
  }

  /** Spec, labels and annotations back as saved; everything else the live object has stays. */
  private static String restoreOne(
      KubernetesClient client, ResourceDefinitionContext kind, GenericKubernetesResource wanted) {
    var api = client.genericKubernetesResources(kind);
    var resource =
        wanted.getMetadata().getNamespace() == null
            ? api.withName(wanted.getMetadata().getName())
            : api.inNamespace(wanted.getMetadata().getNamespace())
                .withName(wanted.getMetadata().getName());
    GenericKubernetesResource live = resource.get();
    if (live == null) {
      api.resource(wanted).create();
      return "created";
    }
    Map<String, Object> savedFields = withoutMetadata(wanted);
    Map<String, Object> liveFields = withoutMetadata(live);
    boolean same =
        Objects.equals(savedFields, liveFields)
            && Objects.equals(
                nonEmpty(wanted.getMetadata().getLabels()),
                nonEmpty(live.getMetadata().getLabels()))
            && Objects.equals(
                nonEmpty(wanted.getMetadata().getAnnotations()),
                nonEmpty(live.getMetadata().getAnnotations()));
    if (same) {
      return "unchanged";
    }
    live.getMetadata().setLabels(wanted.getMetadata().getLabels());
    live.getMetadata().setAnnotations(wanted.getMetadata().getAnnotations());
    Object status = live.getAdditionalProperties().get("status");
    live.getAdditionalProperties().clear();
    live.getAdditionalProperties().putAll(savedFields);
    if (status != null) {
      live.getAdditionalProperties().put("status", status);
    }
    (live.getMetadata().getNamespace() == null
            ? api.resource(live)
            : api.inNamespace(live.getMetadata().getNamespace()).resource(live))
        .update();
    return "updated";
  }

  /** What a resource is, without what the server or the controllers own. */
  static ObjectNode saved(GenericKubernetesResource item) {
    ObjectNode node = JSON.valueToTree(item);
    node.remove("status");
    ObjectNode metadata = (ObjectNode) node.path("metadata");
    metadata.retain("name", "namespace", "labels", "annotations");
    return node;
  }

  private static Map<String, Object> withoutMetadata(GenericKubernetesResource r) {
    Map<String, Object> fields = new TreeMap<>(r.getAdditionalProperties());
    fields.remove("status");
    return fields;
  }

  private static Map<String, String> nonEmpty(Map<String, String> map) {
    return map == null || map.isEmpty() ? null : map;
  }

  private static ResourceDefinitionContext contextOf(
      GenericKubernetesResource r, String plural, boolean namespaced) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(r.getApiVersion().substring(0, r.getApiVersion().indexOf('/')))
        .withVersion(r.getApiVersion().substring(r.getApiVersion().indexOf('/') + 1))
        .withKind(r.getKind())
        .withPlural(plural)
        .withNamespaced(namespaced)
        .build();
  }

  private BackupResult result(
      String backupId,
      String location,
      ObjectNode document,
      byte[] data,
      boolean kept,
      Retention retention) {
    Map<String, Integer> byKind = new TreeMap<>();
    document
        .path("resources")
        .forEach(r -> byKind.merge(r.path("object").path("kind").asText(), 1, Integer::sum));
    int chunks = Math.max(1, (int) Math.ceil(data.length / (double) secrets.chunkBytes()));
    return new BackupResult(
        backupId,
        location,
        byKind,
        chunks,
        data.length,
        document.has("helmValues"),
        kept,
        retention.removed(),
        retention.problems());
  }

  private String location(String context, String namespace, String backupId) {
    return "Secrets "
        + namespace
        + "/"
        + BackupSecrets.secretName(backupId, 0).replaceAll("-0$", "-*")
        + " (label "
        + BackupSecrets.BACKUP_LABEL
        + "="
        + BackupSecrets.label(backupId)
        + ") on "
        + context
        + (folder == null ? "" : ", and " + file(backupId) + " on the worker");
  }

  private Path file(String backupId) {
    return folder.resolve(backupId.replaceAll("[^A-Za-z0-9._-]", "_") + ".json.gz");
  }

  private void deleteFile(String backupId) {
    try {
      Files.deleteIfExists(file(backupId));
    } catch (IOException e) {
      log.warn(
          "backup: cannot remove {} from the worker's folder: {}", file(backupId), e.getMessage());
    }
  }

  private void writeFile(String backupId, byte[] data) {
    try {
      Files.createDirectories(folder);
      Path target = file(backupId);
      Path partial = Files.createTempFile(folder, ".backup-", ".part");
      Files.write(partial, data);
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "cannot write the backup to the worker's folder " + folder + ": " + e.getMessage(),
          FailureTypes.TOOLING);
    }
  }

  private static byte[] gzip(JsonNode document) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      JSON.writeValue(gzip, document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static ObjectNode parse(byte[] data) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException | ClassCastException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the backup cannot be read: " + e.getMessage(), FailureTypes.BACKUP_INVALID);
    }
  }
}
