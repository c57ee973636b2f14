package org.gloomeshupgrade.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.sources.LocalSources;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.semver4j.Semver;

/**
 * Every published Gloo Mesh CRD, management and agent, through our apply activity into a real API
 * server that serves no apiextensions.k8s.io/v1beta1: converted, accepted and Established. The
 * versions go in upgrade order into one cluster, so the later ones are updates of stored CRDs, as
 * in an upgrade.
 */
class PublishedCrdsOnApiServerIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static SimulatedGlooMesh sim;
  private static KubernetesClients clients;

  @BeforeAll
  static void start() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    assumeTrue(PublishedCrds.folder() != null, "the published CRDs are not on this machine");
    sim = SimulatedGlooMesh.builder().backend(ClusterBackend.API_SERVER).remoteClusters().build();
    clients = new KubernetesClients(sim.kubeconfig(), "mgmt");
  }

  @AfterAll
  static void stop() {
    if (clients != null) {
      clients.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  /** Each published version's management and agent folders, in upgrade order. */
  static Stream<Path> foldersInUpgradeOrder() throws IOException {
    Path root = PublishedCrds.folder();
    if (root == null) {
      return Stream.empty();
    }
    List<Path> folders = new ArrayList<>();
    try (Stream<Path> versions = Files.list(root)) {
      for (Path version :
          versions
              .filter(Files::isDirectory)
              .sorted(
                  (a, b) ->
                      Semver.parse(a.getFileName().toString())
                          .compareTo(Semver.parse(b.getFileName().toString())))
              .toList()) {
        for (String plane : List.of("management", "agent")) {
          if (Files.isDirectory(version.resolve(plane))) {
            folders.add(version.resolve(plane));
          }
        }
      }
    }
    return folders.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("foldersInUpgradeOrder")
  void everyPublishedCrdIsAcceptedAndEstablishedAfterConversion(Path folder) throws IOException {
    String version = folder.getParent().getFileName().toString();
    Map<String, JsonNode> published = manifests(folder);
    assertThat(published).isNotEmpty();
    CrdActivitiesImpl activities =
        new CrdActivitiesImpl(
            clients, new CrdSource(), Duration.ofMillis(100), LocalSources.anyLocalPath());

    // The agent CRDs are not a management plane's set: they
    // skip the set check, not the conversion and the server.
    CrdApplyResult result =
        folder.getFileName().toString().equals("agent")
            ? activities.write(
                "mgmt", version, new CrdSource().load(folder.toString(), version), false, 60)
            : activities.apply(new CrdApplyInput("mgmt", folder.toString(), version, 60));

    assertThat(result.convertedFromV1beta1()).isTrue();
    assertThat(union(result.created(), result.updated()))
        .containsExactlyInAnyOrderElementsOf(published.keySet());
    KubernetesClient client = sim.client("mgmt");
    for (Map.Entry<String, JsonNode> manifest : published.entrySet()) {
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().withName(manifest.getKey()).get();
      assertThat(crd).as(manifest.getKey()).isNotNull();
      assertThat(condition(crd, "NamesAccepted"))
          .as(manifest.getKey() + " NamesAccepted")
          .isEqualTo("True");
      assertThat(condition(crd, "Established"))
          .as(manifest.getKey() + " Established")
          .isEqualTo("True");
      assertThat(crd.getSpec().getVersions().stream().map(CustomResourceDefinitionVersion::getName))
          .as(manifest.getKey() + " versions")
          .containsExactlyInAnyOrderElementsOf(versionsOf(manifest.getValue()));
      // The server serves the kind: listing it works. Right after establishing, a real server may
      // answer 429 "storage is (re)initializing" for a moment, which clients are expected to retry.
      String served =
          crd.getSpec().getVersions().stream()
              .filter(CustomResourceDefinitionVersion::getServed)
              .findFirst()
              .orElseThrow()
              .getName();
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptionsMatching(
              e -> e instanceof KubernetesClientException k && k.getCode() == 429)
          .until(
              () ->
                  client
                          .genericKubernetesResources(
                              crd.getSpec().getGroup() + "/" + served,
                              crd.getSpec().getNames().getKind())
                          .inAnyNamespace()
                          .list()
                          .getItems()
                      != null);
    }
  }

  @Test
  void unknownFieldsAV1beta1CrdKeptAreStillKeptAtEveryDepthAfterConversion() {
    CrdActivitiesImpl activities =
        new CrdActivitiesImpl(
            clients, new CrdSource(), Duration.ofMillis(100), LocalSources.anyLocalPath());
    // Hand-written CRDs of another group, not a management plane's set: they skip the set check.
    String legacy = CrdManifestConverterTest.resource("legacy-v1beta1.yaml").toString();
    activities.write("mgmt", "0.11.3", new CrdSource().load(legacy, "0.11.3"), false, 60);
    var widgets =
        sim.client("mgmt")
            .genericKubernetesResources("example.gloo-mesh-upgrade.io/v1alpha1", "Widget")
            .inNamespace("default");
    GenericKubernetesResource widget =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("example.gloo-mesh-upgrade.io/v1alpha1")
            .withKind("Widget")
            .withNewMetadata()
            .withName("w")
            .withNamespace("default")
            .endMetadata()
            .addToAdditionalProperties(
                "spec", Map.of("replicas", 1, "extra", Map.of("nested", "kept")))
            .addToAdditionalProperties("topLevel", "kept too")
            .build();

    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptionsMatching(
            e ->
                e instanceof KubernetesClientException k
                    && (k.getCode() == 429 || k.getCode() == 404))
        .until(() -> widgets.resource(widget).create() != null);

    GenericKubernetesResource stored = widgets.withName("w").get();
    assertThat(stored.<String>get("spec", "extra", "nested")).isEqualTo("kept");
    assertThat(stored.getAdditionalProperties()).containsEntry("topLevel", "kept too");
  }

  private static String condition(CustomResourceDefinition crd, String type) {
    return crd.getStatus() == null
        ? null
        : crd.getStatus().getConditions().stream()
            .filter(c -> type.equals(c.getType()))
            .map(CustomResourceDefinitionCondition::getStatus)
            .findFirst()
            .orElse(null);
  }

  /** CRD name to manifest, from every YAML document of the folder. */
  private static Map<String, JsonNode> manifests(Path folder) throws IOException {
    Map<String, JsonNode> byName = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
          for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
            if (doc != null && "CustomResourceDefinition".equals(doc.path("kind").asText())) {
              byName.put(doc.path("metadata").path("name").asText(), doc);
            }
          }
        }
      }
    }
    return byName;
  }

  /** The version names a v1beta1 manifest declares: its versions list, else its single version. */
  private static List<String> versionsOf(JsonNode manifest) {
    JsonNode versions = manifest.path("spec").path("versions");
    if (versions.isArray() && !versions.isEmpty()) {
      List<String> names = new ArrayList<>();
      versions.forEach(v -> names.add(v.path("name").asText()));
      return names;
    }
    return List.of(manifest.path("spec").path("version").asText());
  }

  private static List<String> union(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).collect(Collectors.toList());
  }
}
