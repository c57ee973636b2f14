package org.gloomeshupgrade.backup;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.gloomeshupgrade.kube.ConflictRetry;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.kube.Labels;
import org.gloomeshupgrade.workflow.FailureTypes;

/**
 * A backup's bytes in Secrets of the Gloo Mesh namespace, split so that each stays well below the
 * API server's 1 MiB limit. Secrets rather than ConfigMaps: the Helm values may hold a license key.
 * Each chunk names its index, the count and the digest of the whole, so a partial or mixed set is
 * refused on read; a backup that finds one of its own ID writes it again whole.
 */
final class BackupSecrets {
  static final String TYPE = "gloo-mesh-upgrade.io/backup";
  static final String BACKUP_LABEL = "gloo-mesh-upgrade.io/backup";

  /** The backup ID; backups written before it have their ID in the workflow-id annotation. */
  static final String BACKUP_ID_ANNOTATION = "gloo-mesh-upgrade.io/backup-id";

  static final String WORKFLOW_ID_ANNOTATION = "gloo-mesh-upgrade.io/workflow-id";
  static final String TAKEN_AT_ANNOTATION = "gloo-mesh-upgrade.io/taken-at";
  static final String FROM_VERSION_ANNOTATION = "gloo-mesh-upgrade.io/from-version";
  static final String TARGET_VERSION_ANNOTATION = "gloo-mesh-upgrade.io/target-version";
  static final String RESOURCES_ANNOTATION = "gloo-mesh-upgrade.io/resources";
  static final String BYTES_ANNOTATION = "gloo-mesh-upgrade.io/bytes";
  static final String CHUNK_ANNOTATION = "gloo-mesh-upgrade.io/chunk";
  static final String CHUNKS_ANNOTATION = "gloo-mesh-upgrade.io/chunks";
  static final String SHA256_ANNOTATION = "gloo-mesh-upgrade.io/sha256";
  static final String DATA_KEY = "backup.json.gz";

  /** Below 1 MiB with room for the Secret's own metadata. */
  static final int DEFAULT_CHUNK_BYTES = 768 * 1024;

  private final int chunkBytes;

  BackupSecrets(int chunkBytes) {
    this.chunkBytes = chunkBytes;
  }

  int chunkBytes() {
    return chunkBytes;
  }

  /**
   * The label value for a backup ID: IDs may be longer than a label allows or hold other
   * characters.
   */
  static String label(String backupId) {
    return "b-" + sha256(backupId.getBytes(StandardCharsets.UTF_8)).substring(0, 40);
  }

  static String secretName(String backupId, int chunk) {
    return "gmu-backup-" + label(backupId).substring(2, 18) + "-" + chunk;
  }

  /**
   * Writes the chunks (create, or replace one left by an earlier attempt); returns their names.
   *
   * @param details annotations for listings (workflow, time, versions, size), on every chunk
   */
  List<String> write(
      KubernetesClient client,
      String context,
      String namespace,
      String backupId,
      byte[] data,
      Map<String, String> details) {
    int count = Math.max(1, (data.length + chunkBytes - 1) / chunkBytes);
    String digest = sha256(data);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] part =
          Arrays.copyOfRange(data, i * chunkBytes, Math.min(data.length, (i + 1) * chunkBytes));
      Secret secret =
          new SecretBuilder()
              .withNewMetadata()
              .withName(secretName(backupId, i))
              .withNamespace(namespace)
              .addToLabels(BACKUP_LABEL, label(backupId))
              .addToLabels(Labels.MANAGED_BY, "gloo-mesh-upgrade")
              .addToAnnotations(details)
              .addToAnnotations(BYTES_ANNOTATION, String.valueOf(data.length))
              .addToAnnotations(
                  Map.of(
                      BACKUP_ID_ANNOTATION,
                      backupId,
                      CHUNK_ANNOTATION,
                      String.valueOf(i),
                      CHUNKS_ANNOTATION,
                      String.valueOf(count),
                      SHA256_ANNOTATION,
                      digest))
              .endMetadata()
              .withType(TYPE)
              .addToData(DATA_KEY, Base64.getEncoder().encodeToString(part))
              .build();
      KubernetesFailures.call(
          "writing backup Secret " + namespace + "/" + secret.getMetadata().getName(),
          context,
          () ->
              // Read, then create or update: a 409 on the create is not always "already exists"
              // (a quota's Conflict is not), so the create is never turned into an update blindly.
              ConflictRetry.onConflict(
                  () -> {
                    var chunk = client.secrets().inNamespace(namespace).resource(secret);
                    return chunk.get() == null ? chunk.create() : chunk.update();
                  }));
      names.add(secret.getMetadata().getName());
    }
    // An attempt that died while writing a larger backup left chunks past this one's count.
    for (Secret stale : chunks(client, context, namespace, backupId)) {
      if (index(stale) >= count) {
        String name = stale.getMetadata().getName();
        KubernetesFailures.call(
            "removing stale backup Secret " + namespace + "/" + name,
            context,
            () -> client.secrets().inNamespace(namespace).withName(name).delete());
      }
    }
    return names;
  }

  /**
   * What is stored under a backup ID.
   *
   * @param data the whole backup when it is complete, else null
   * @param problem why it is not complete, when chunks exist; null otherwise
   */
  record Stored(byte[] data, String problem) {
    static final Stored NONE = new Stored(null, null);

    boolean complete() {
      return data != null;
    }

    boolean partial() {
      return problem != null;
    }
  }

  /**
   * The whole backup, if every chunk is there and the digest matches; empty when there is none at
   * all; refused, as a restore must refuse it, when it is partial or mixed.
   */
  Optional<byte[]> read(
      KubernetesClient client, String context, String namespace, String backupId) {
    Stored stored = stored(client, context, namespace, backupId);
    if (stored.partial()) {
      throw incomplete(namespace, backupId, stored.problem());
    }
    return Optional.ofNullable(stored.data());
  }

  /** What the Secrets of a backup ID hold: nothing, a complete backup, or a partial one. */
  Stored stored(KubernetesClient client, String context, String namespace, String backupId) {
    List<Secret> chunks = chunks(client, context, namespace, backupId);
    if (chunks.isEmpty()) {
      return Stored.NONE;
    }
    int expected = Integer.parseInt(annotation(chunks.get(0), CHUNKS_ANNOTATION));
    String digest = annotation(chunks.get(0), SHA256_ANNOTATION);
    List<Integer> indexes = chunks.stream().map(BackupSecrets::index).toList();
    boolean complete =
        chunks.size() == expected
            && indexes.equals(IntStream.range(0, expected).boxed().toList())
            && chunks.stream().allMatch(s -> digest.equals(annotation(s, SHA256_ANNOTATION)));
    if (!complete) {
      return new Stored(null, "it has chunks " + indexes + " of " + expected);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Secret chunk : chunks) {
      out.writeBytes(Base64.getDecoder().decode(chunk.getData().get(DATA_KEY)));
    }
    byte[] data = out.toByteArray();
    if (!digest.equals(sha256(data))) {
      return new Stored(null, "its content does not match the digest it was written with");
    }
    return new Stored(data, null);
  }

  /** The backup ID's chunk Secrets, by index. */
  private static List<Secret> chunks(
      KubernetesClient client, String context, String namespace, String backupId) {
    return KubernetesFailures.call(
            "reading the backup Secrets in " + namespace,
            context,
            () ->
                client
                    .secrets()
                    .inNamespace(namespace)
                    .withLabel(BACKUP_LABEL, label(backupId))
                    .list()
                    .getItems())
        .stream()
        .filter(s -> TYPE.equals(s.getType()))
        .filter(s -> backupId.equals(idOf(s)))
        .sorted(Comparator.comparingInt(BackupSecrets::index))
        .toList();
  }

  /** Every backup in the namespace, newest first, from the chunks' annotations alone. */
  List<BackupSummary> all(KubernetesClient client, String context, String namespace) {
    Map<String, List<Secret>> byId = new TreeMap<>();
    KubernetesFailures.call(
            "listing the backup Secrets in " + namespace,
            context,
            () -> client.secrets().inNamespace(namespace).withLabel(BACKUP_LABEL).list().getItems())
        .stream()
        .filter(s -> TYPE.equals(s.getType()))
        .filter(s -> !idOf(s).isEmpty())
        .forEach(s -> byId.computeIfAbsent(idOf(s), id -> new ArrayList<>()).add(s));
    List<BackupSummary> summaries = new ArrayList<>();
    byId.forEach(
        (id, chunks) -> {
          chunks.sort(Comparator.comparingInt(BackupSecrets::index));
          Secret first = chunks.get(0);
          String takenAt = annotation(first, TAKEN_AT_ANNOTATION);
          if (takenAt.isEmpty() && first.getMetadata().getCreationTimestamp() != null) {
            takenAt = first.getMetadata().getCreationTimestamp();
          }
          String workflowId = annotation(first, WORKFLOW_ID_ANNOTATION);
          summaries.add(
              new BackupSummary(
                  id,
                  workflowId.isEmpty() ? id : workflowId,
                  takenAt,
                  annotation(first, FROM_VERSION_ANNOTATION),
                  annotation(first, TARGET_VERSION_ANNOTATION),
                  bytes(chunks),
                  number(annotation(first, RESOURCES_ANNOTATION), -1),
                  problem(chunks)));
        });
    summaries.sort(
        Comparator.comparing((BackupSummary b) -> instant(b.takenAt()))
            .thenComparing(BackupSummary::backupId)
            .reversed());
    return summaries;
  }

  /** Removes every chunk of a backup. */
  void remove(KubernetesClient client, String context, String namespace, String backupId) {
    for (Secret chunk : chunks(client, context, namespace, backupId)) {
      String name = chunk.getMetadata().getName();
      KubernetesFailures.call(
          "removing backup Secret " + namespace + "/" + name,
          context,
          () -> client.secrets().inNamespace(namespace).withName(name).delete());
    }
  }

  /** The backup ID a chunk belongs to; "" when it names none. */
  private static String idOf(Secret chunk) {
    String id = annotation(chunk, BACKUP_ID_ANNOTATION);
    return id.isEmpty() ? annotation(chunk, WORKFLOW_ID_ANNOTATION) : id;
  }

  private static long bytes(List<Secret> chunks) {
    long recorded = number(annotation(chunks.get(0), BYTES_ANNOTATION), -1);
    if (recorded >= 0) {
      return recorded;
    }
    return chunks.stream()
        .map(Secret::getData)
        .filter(Objects::nonNull)
        .map(d -> d.get(DATA_KEY))
        .filter(Objects::nonNull)
        .mapToLong(b -> Base64.getDecoder().decode(b).length)
        .sum();
  }

  /** Why the chunks do not make a whole backup, "" when they do (the digest is checked on read). */
  private static String problem(List<Secret> chunks) {
    int expected = number(annotation(chunks.get(0), CHUNKS_ANNOTATION), -1);
    String digest = annotation(chunks.get(0), SHA256_ANNOTATION);
    List<Integer> indexes = chunks.stream().map(BackupSecrets::index).toList();
    boolean whole =
        indexes.equals(IntStream.range(0, Math.max(0, expected)).boxed().toList())
            && chunks.stream().allMatch(s -> digest.equals(annotation(s, SHA256_ANNOTATION)));
    return whole ? "" : "incomplete: it has chunks %s of %d".formatted(indexes, expected);
  }

  private static int number(String text, int otherwise) {
    try {
      return text.isEmpty() ? otherwise : Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /** Unreadable or missing times sort as the oldest, so retention removes them first. */
  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }

  private static int index(Secret chunk) {
    return Integer.parseInt(annotation(chunk, CHUNK_ANNOTATION));
  }

  private static ApplicationFailure incomplete(String namespace, String backupId, String why) {
    return ApplicationFailure.newNonRetryableFailure(
        "the backup of "
            + backupId
            + " in "
            + namespace
            + " is incomplete: "
            + why
            + ". Restore it from the worker's backup folder, if one was configured.",
        FailureTypes.BACKUP_INVALID);
  }

  private static String annotation(Secret secret, String key) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    return value == null ? "" : value;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
