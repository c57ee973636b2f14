package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1beta1.JSONSchemaProps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRD files and the Helm chart a simulation writes for each supported version. */
class ManifestsTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static SimulatedGlooMesh sim;

  @BeforeAll
  static void startSimulation() {
    sim = SimulatedGlooMesh.builder().remoteClusters().build();
  }

  @AfterAll
  static void closeSimulation() {
    sim.close();
  }

  static List<String> versions() {
    return SimulatedVersions.supported();
  }

  @ParameterizedTest
  @MethodSource("versions")
  void everyCrdFileParsesAsV1beta1CrdsWithOneServedStoredVersionStatusAndAStructuralSchema(
      String version) throws IOException {
    Path folder = sim.crdFolder(version);
    List<Path> files = files(folder);
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .allMatch(name -> name.matches("[a-z.]+_v1(alpha|beta)?[0-9]*_crds\\.yaml"));

    List<String> kinds = new ArrayList<>();
    for (Path file : files) {
      for (String document : documents(Files.readString(file))) {
        CustomResourceDefinition crd =
            Json.KUBE.unmarshal(document, CustomResourceDefinition.class);
        var spec = crd.getSpec();
        assertThat(crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1beta1");
        assertThat(crd.getKind()).isEqualTo("CustomResourceDefinition");
        assertThat(crd.getMetadata().getName())
            .isEqualTo(spec.getNames().getPlural() + "." + spec.getGroup());
        assertThat(file.getFileName().toString())
            .startsWith(spec.getGroup() + "_" + spec.getVersion() + "_");
        assertThat(spec.getScope()).isEqualTo("Namespaced");
        assertThat(spec.getVersions())
            .singleElement()
            .satisfies(
                (CustomResourceDefinitionVersion v) -> {
                  assertThat(v.getName()).isEqualTo(spec.getVersion());
                  assertThat(v.getServed()).isTrue();
                  assertThat(v.getStorage()).isTrue();
                });
        assertThat(spec.getSubresources().getStatus()).isNotNull();
        JSONSchemaProps schema = spec.getValidation().getOpenAPIV3Schema();
        assertThat(schema.getType()).isEqualTo("object");
        assertThat(schema.getProperties()).containsKeys("spec", "status");
        assertThat(schema.getProperties().get("spec").getType()).isEqualTo("object");
        assertThat(schema.getProperties().get("spec").getProperties()).isNotEmpty();
        assertThat(schema.getProperties().get("status").getType()).isEqualTo("object");
        assertStructural(spec.getNames().getKind(), schema);
        kinds.add(spec.getNames().getKind());
      }
    }
    assertThat(kinds)
        .containsExactlyInAnyOrderElementsOf(
            SimulatedVersions.kinds(version).stream().map(SimulatedKind::kind).toList());
    assertThat(kinds)
        .contains(
            "Mesh",
            "TrafficTarget",
            "Workload",
            "TrafficPolicy",
            "AccessPolicy",
            "VirtualMesh",
            "FailoverService",
            "WasmDeployment",
            "Role",
            "RoleBinding",
            "Settings",
            "KubernetesCluster");
  }

  @Test
  void crdFoldersHaveOneFilePerGroupAndAccessLogRecordsOnlyFrom0123() throws IOException {
    assertThat(files(sim.crdFolder("0.12.0"))).hasSize(6);
    assertThat(files(sim.crdFolder("0.12.8")))
        .hasSize(7)
        .anySatisfy(
            p ->
                assertThat(p.getFileName().toString())
                    .isEqualTo("observability.enterprise.mesh.gloo.solo.io_v1alpha1_crds.yaml"));
    assertThat(sim.crdFolder("0.12.8")).isEqualTo(sim.crdFolder("0.12.8"));
  }

  @Test
  void settingsSchemaMovesIstioUnderDiscoveryFrom012() {
    JsonNode old =
        SimulatedVersions.requireKind("0.11.3", "Settings")
            .schema()
            .path("properties")
            .path("spec");
    JsonNode current =
        SimulatedVersions.requireKind("0.12.0", "Settings")
            .schema()
            .path("properties")
            .path("spec");
    assertThat(old.path("properties").has("istio")).isTrue();
    assertThat(old.path("properties").has("discovery")).isFalse();
    assertThat(current.path("properties").has("istio")).isFalse();
    assertThat(current.path("properties").path("discovery").path("properties").has("istio"))
        .isTrue();
  }

  @Test
  void v1FormCarriesTheSchemaAndStatusSubresourceInTheVersion() {
    var crd = CrdManifests.v1Crd(SimulatedVersions.requireKind("0.10.10", "TrafficPolicy"));
    assertThat(crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(crd.getSpec().getVersions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSchema().getOpenAPIV3Schema().getProperties())
                  .containsKeys("spec", "status");
              assertThat(v.getSubresources().getStatus()).isNotNull();
            });
  }

  @ParameterizedTest
  @MethodSource("versions")
  void chartFolderHasChartYamlValuesTemplatesAndTheVersionsCrds(String version) throws IOException {
    Path chart = sim.chartFolder(version);
    JsonNode chartYaml = YAML.readTree(chart.resolve("Chart.yaml").toFile());
    assertThat(chartYaml.path("apiVersion").asText()).isEqualTo("v2");
    assertThat(chartYaml.path("name").asText()).isEqualTo("gloo-mesh");
    assertThat(chartYaml.path("version").asText()).isEqualTo(version);
    assertThat(chartYaml.path("appVersion").asText()).isEqualTo(version);

    JsonNode values = YAML.readTree(chart.resolve("values.yaml").toFile());
    for (String component : List.of("discovery", "networking")) {
      JsonNode image = values.path(component).path("image");
      assertThat(image.path("registry").asText()).isEqualTo("gcr.io/gloo-mesh");
      assertThat(image.path("repository").asText()).isEqualTo(component);
      assertThat(image.path("tag").asText()).isEmpty();
    }
    assertThat(chart.resolve("templates")).isDirectory();

    List<Path> chartCrds = files(chart.resolve("crds"));
    List<Path> folderCrds = files(sim.crdFolder(version));
    assertThat(chartCrds)
        .extracting(p -> p.getFileName().toString())
        .containsExactlyElementsOf(
            folderCrds.stream().map(p -> p.getFileName().toString()).toList());
    for (int i = 0; i < chartCrds.size(); i++) {
      assertThat(chartCrds.get(i)).hasSameTextualContentAs(folderCrds.get(i));
    }
  }

  @Test
  void chartRendersWithHelmIntoTheControlPlane() throws IOException {
    String rendered =
        new Helm(sim.chartFolder("0.12.0"))
            .template()
            .withName("gloo-mesh")
            .withNamespace("gloo-mesh")
            .call();
    List<JsonNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(rendered)) {
      docs.forEachRemaining(
          d -> {
            if (d != null && !d.isEmpty()) {
              objects.add(d);
            }
          });
    }
    assertThat(objects)
        .extracting(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText())
        .containsExactlyInAnyOrder(
            "ServiceAccount/discovery",
            "ServiceAccount/networking",
            "Deployment/discovery",
            "Deployment/networking",
            "Service/discovery",
            "Service/networking",
            "Settings/settings");
    JsonNode networking =
        objects.stream()
            .filter(
                o ->
                    o.path("kind").asText().equals("Deployment")
                        && o.path("metadata").path("name").asText().equals("networking"))
            .findFirst()
            .orElseThrow();
    assertThat(networking.path("metadata").path("namespace").asText()).isEqualTo("gloo-mesh");
    assertThat(networking.path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(networking.path("spec").path("selector").path("matchLabels").path("app").asText())
        .isEqualTo("networking");
    assertThat(
            networking
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("image")
                .asText())
        .isEqualTo("gcr.io/gloo-mesh/networking:0.12.0");
    JsonNode settings =
        objects.stream()
            .filter(o -> o.path("kind").asText().equals("Settings"))
            .findFirst()
            .orElseThrow();
    assertThat(settings.path("apiVersion").asText())
        .isEqualTo("settings.mesh.gloo.solo.io/v1alpha2");
    assertThat(settings.path("spec").path("discovery").path("istio").isObject()).isTrue();
    // An upgrade through the chart must not change the seeded
    // Settings beyond what the new version's spec changes.
    assertThat(YAML.convertValue(settings.path("metadata").path("labels"), Map.class))
        .isEqualTo(GlooMeshFixtures.settings("0.12.0", "gloo-mesh").getMetadata().getLabels());
    assertThat(YAML.convertValue(settings.path("spec"), Map.class))
        .isEqualTo(GlooMeshFixtures.settingsSpec("0.12.0"));

    String overridden =
        new Helm(sim.chartFolder("0.12.0"))
            .template()
            .withName("gloo-mesh")
            .withNamespace("gloo-mesh")
            .set("discovery.image.tag", "0.12.0-patched")
            .call();
    assertThat(overridden)
        .contains("image: gcr.io/gloo-mesh/discovery:0.12.0-patched")
        .contains("image: gcr.io/gloo-mesh/networking:0.12.0");
  }

  /**
   * Every schema node must have a type, or keep unknown fields, for Kubernetes to accept it as
   * structural.
   */
  private static void assertStructural(String path, JSONSchemaProps schema) {
    boolean preserves = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
    assertThat(schema.getType() != null || preserves).as(path + " has a type").isTrue();
    if (schema.getProperties() != null) {
      for (Map.Entry<String, JSONSchemaProps> property : schema.getProperties().entrySet()) {
        assertStructural(path + "." + property.getKey(), property.getValue());
      }
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      assertStructural(path + "[]", schema.getItems().getSchema());
    }
    if (schema.getAdditionalProperties() != null
        && schema.getAdditionalProperties().getSchema() != null) {
      assertStructural(path + "{}", schema.getAdditionalProperties().getSchema());
    }
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.sorted().toList();
    }
  }

  private static List<String> documents(String text) {
    List<String> documents = new ArrayList<>();
    for (String document : text.split("(?m)^---\\s*$")) {
      if (!document.replaceAll("(?m)^#.*$", "").isBlank()) {
        documents.add(document);
      }
    }
    return documents;
  }
}
