package org.gloomeshupgrade.conformance;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.gloomeshupgrade.crds.CrdActivitiesImpl;
import org.gloomeshupgrade.crds.CrdApplyInput;
import org.gloomeshupgrade.crds.CrdSource;
import org.gloomeshupgrade.crds.PublishedCrds;
import org.gloomeshupgrade.kube.CrdKind;
import org.gloomeshupgrade.kube.CrdKinds;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.sources.LocalSources;

/**
 * Puts the published CRDs of a Gloo Mesh version on the cluster through our CRD step, either as
 * published or without their schemas (as CRDs installed without validation, which keep every
 * field), and waits until the API server serves them: it swaps a CRD's storage some moments after
 * the CRD is written, not at once.
 */
final class CrdSwitch {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String CANARY_FIELD = "gmuCanary";

  private final KubernetesClients clients;
  private final String context;
  private final Path scratch;

  CrdSwitch(KubernetesClients clients, String context, Path scratch) {
    this.clients = clients;
    this.context = context;
    this.scratch = scratch;
  }

  /** The user-configuration CRDs of the version with no schema at all: every field is stored. */
  void installSchemaless(String version) {
    Path folder = scratch.resolve("schemaless-" + version);
    try {
      Files.createDirectories(folder);
      try (Stream<Path> files = Files.list(PublishedCrds.management(version))) {
        for (Path file : files.toList()) {
          if (GlooMeshGroups.USER_CONFIGURATION.stream()
              .noneMatch(g -> file.getFileName().toString().startsWith(g + "_"))) {
            // The other groups as published: the CRD step only applies a version's complete set.
            Files.copy(
                file, folder.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            continue;
          }
          StringBuilder out = new StringBuilder();
          for (CrdSource.Crd crd : CrdSource.parse(Files.readString(file), file.toString())) {
            ObjectNode spec = (ObjectNode) crd.manifest().deepCopy().get("spec");
            spec.remove(List.of("validation", "preserveUnknownFields"));
            spec.withArray("versions").forEach(v -> ((ObjectNode) v).remove("schema"));
            ObjectNode manifest = crd.manifest().deepCopy();
            manifest.set("spec", spec);
            out.append("---\n").append(YAML.writeValueAsString(manifest));
          }
          Files.writeString(folder.resolve(file.getFileName()), out);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    install(folder, version, true);
  }

  /** The management CRDs of the version as published, converted by our CRD step; they prune. */
  void installPublished(String version) {
    install(PublishedCrds.management(version), version, false);
  }

  private void install(Path folder, String version, boolean keepsEveryField) {
    new CrdActivitiesImpl(clients, LocalSources.anyLocalPath())
        .apply(new CrdApplyInput(context, folder.toString(), version, 60));
    KubernetesClient client = clients.forContext(context);
    List<CrdKind> kinds = CrdKinds.ofGroups(client, context, GlooMeshGroups.USER_CONFIGURATION);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                kinds.stream().allMatch(kind -> keepsCanaryField(client, kind) == keepsEveryField));
  }

  /**
   * Asks the server, in a dry run, to create an object with a field no schema has, and sees if it
   * kept it.
   */
  private static boolean keepsCanaryField(KubernetesClient client, CrdKind kind) {
    GenericKubernetesResource canary =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(kind.group() + "/" + kind.version())
            .withKind(kind.kind())
            .withNewMetadata()
            .withName("canary")
            .withNamespace(kind.namespaced() ? "default" : null)
            .endMetadata()
            .build();
    canary.setAdditionalProperty("spec", Map.of(CANARY_FIELD, true));
    var operation = client.genericKubernetesResources(kind.context());
    GenericKubernetesResource answer =
        kind.namespaced()
            ? operation.inNamespace("default").resource(canary).dryRun().create()
            : operation.resource(canary).dryRun().create();
    Object spec = answer.getAdditionalProperties().get("spec");
    return spec instanceof Map<?, ?> map && map.containsKey(CANARY_FIELD);
  }
}
