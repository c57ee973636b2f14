package org.gloomeshupgrade.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CrdManifestConverterTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Numbers compare by value: the fabric8 model reads schema bounds as doubles. */
  private static final Comparator<JsonNode> SAME_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText()));
        }
        return a.equals(b) ? 0 : 1;
      };

  static Stream<Arguments> publishedCrdFiles() throws IOException {
    Path dir = PublishedCrds.folder();
    if (dir == null) {
      return Stream.of(Arguments.of(Named.of("published CRDs not on this machine", null)));
    }
    return PublishedCrds.files(dir).stream()
        .map(f -> Arguments.of(Named.of(dir.relativize(f).toString(), f)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("publishedCrdFiles")
  void everyPublishedGlooMeshCrdConvertsToAValidV1Crd(Path file) throws IOException {
    assumeTrue(
        file != null,
        "the published Gloo Mesh CRDs (shared/gloo-mesh-crds next to the project) are not on"
            + " this machine; the hand-written fixtures still cover the conversion");
    List<CrdSource.Crd> crds = CrdSource.parse(Files.readString(file), file.toString());
    assertThat(crds).isNotEmpty();
    for (CrdSource.Crd crd : crds) {
      assertThat(crd.isV1beta1()).as(crd.name() + " is published as v1beta1").isTrue();
      assertConvertsFaithfully(crd.manifest());
    }
  }

  @Test
  void thePublishedCrdsAreAllThere() throws IOException {
    Path dir = PublishedCrds.folder();
    assumeTrue(dir != null, "the published Gloo Mesh CRDs are not on this machine");
    assertThat(PublishedCrds.files(dir))
        .as("management and agent CRD files of 0.10.10, 0.11.3, 0.12.0, 0.12.8")
        .hasSize(33);
  }

  @Test
  void singleVersionPrinterColumnsAndPreserveUnknownFields() throws IOException {
    ObjectNode widgets = fixture("legacy-v1beta1.yaml", "widgets.example.gloo-mesh-upgrade.io");
    CustomResourceDefinition v1 = assertConvertsFaithfully(widgets);
    JsonNode tree = CrdManifestConverter.toV1(widgets);

    assertThat(v1.getSpec().getVersions())
        .extracting(
            CustomResourceDefinitionVersion::getName,
            CustomResourceDefinitionVersion::getServed,
            CustomResourceDefinitionVersion::getStorage)
        .containsExactly(Tuple.tuple("v1alpha1", true, true));
    CustomResourceDefinitionVersion version = v1.getSpec().getVersions().get(0);
    assertThat(version.getAdditionalPrinterColumns())
        .extracting(
            CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath)
        .containsExactly(
            Tuple.tuple("Replicas", ".spec.replicas"),
            Tuple.tuple("Age", ".metadata.creationTimestamp"));
    assertThat(version.getAdditionalPrinterColumns().get(1).getPriority()).isEqualTo(1);
    assertThat(version.getAdditionalPrinterColumns().get(1).getDescription())
        .isEqualTo("Time since creation");
    assertThat(tree.toString()).doesNotContain("JSONPath");
    assertThat(version.getSubresources().getScale().getSpecReplicasPath())
        .isEqualTo(".spec.replicas");

    // v1 has no spec-level switch: unknown fields are kept
    // by the schema root instead, which also needs a type.
    JsonNode schema = tree.at("/spec/versions/0/schema/openAPIV3Schema");
    assertThat(schema.path(CrdManifestConverter.PRESERVE_UNKNOWN_FIELDS).asBoolean()).isTrue();
    assertThat(schema.path("type").asText()).isEqualTo("object");
    assertThat(schema.at("/properties/spec/properties/color/default").asText()).isEqualTo("red");
    // And at every object level below the root, or a v1 server would prune there what v1beta1 kept.
    assertThat(
            schema
                .at("/properties/spec/" + CrdManifestConverter.PRESERVE_UNKNOWN_FIELDS)
                .asBoolean())
        .isTrue();
    assertThat(
            schema
                .at("/properties/spec/properties/replicas")
                .has(CrdManifestConverter.PRESERVE_UNKNOWN_FIELDS))
        .as("not on scalars")
        .isFalse();
    assertThat(tree.path("spec").has("preserveUnknownFields")).isFalse();
    assertThat(tree.at("/spec/conversion/strategy").asText()).isEqualTo("None");
    assertThat(v1.getSpec().getNames().getCategories()).containsExactly("gloo-mesh-upgrade");

    // Server-owned metadata and status are not part of a manifest to apply.
    assertThat(v1.getMetadata().getLabels()).containsEntry("app", "widgets");
    assertThat(v1.getMetadata().getAnnotations()).containsEntry("team", "platform");
    assertThat(v1.getMetadata().getResourceVersion()).isNull();
    assertThat(v1.getMetadata().getUid()).isNull();
    assertThat(v1.getMetadata().getCreationTimestamp()).isNull();
    assertThat(tree.has("status")).isFalse();
  }

  @Test
  void perVersionSchemaAndColumnsWinAndEveryVersionGetsASchema() throws IOException {
    ObjectNode gadgets = fixture("legacy-v1beta1.yaml", "gadgets.example.gloo-mesh-upgrade.io");
    CustomResourceDefinition v1 = assertConvertsFaithfully(gadgets);
    JsonNode tree = CrdManifestConverter.toV1(gadgets);

    assertThat(v1.getSpec().getScope()).isEqualTo("Cluster");
    assertThat(v1.getSpec().getVersions())
        .extracting(
            CustomResourceDefinitionVersion::getName,
            CustomResourceDefinitionVersion::getServed,
            CustomResourceDefinitionVersion::getStorage)
        .containsExactly(
            Tuple.tuple("v1alpha1", true, false),
            Tuple.tuple("v1beta1", true, true),
            Tuple.tuple("v1beta2", false, false));
    JsonNode topSchema = gadgets.at("/spec/validation/openAPIV3Schema");
    JsonNode ownSchema = gadgets.at("/spec/versions/1/schema/openAPIV3Schema");
    assertThat(tree.at("/spec/versions/0/schema/openAPIV3Schema")).isEqualTo(topSchema);
    assertThat(tree.at("/spec/versions/1/schema/openAPIV3Schema")).isEqualTo(ownSchema);
    assertThat(
            tree.at(
                    "/spec/versions/1/schema/openAPIV3Schema/properties/spec/properties/weight/type")
                .asText())
        .isEqualTo("integer");
    assertThat(v1.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
        .extracting(CustomResourceColumnDefinition::getJsonPath)
        .containsExactly(".spec.size");
    assertThat(v1.getSpec().getVersions().get(1).getAdditionalPrinterColumns())
        .extracting(CustomResourceColumnDefinition::getJsonPath)
        .containsExactly(".spec.weight");
    // preserveUnknownFields: false keeps the schema exactly as published: pruning stays on.
    assertThat(
            tree.at("/spec/versions/0/schema/openAPIV3Schema")
                .has(CrdManifestConverter.PRESERVE_UNKNOWN_FIELDS))
        .isFalse();
  }

  @Test
  void aCrdWithoutAnySchemaGetsOneThatAcceptsEverything() throws IOException {
    ObjectNode things = fixture("schemaless-v1beta1.yaml", "things.example.gloo-mesh-upgrade.io");
    JsonNode tree = CrdManifestConverter.toV1(things);
    JsonNode schema = tree.at("/spec/versions/0/schema/openAPIV3Schema");
    assertThat(schema.path("type").asText()).isEqualTo("object");
    assertThat(schema.path(CrdManifestConverter.PRESERVE_UNKNOWN_FIELDS).asBoolean()).isTrue();
    assertThat(tree.at("/spec/versions/0/name").asText()).isEqualTo("v1");
    assertThat(tree.at("/spec/versions/0/storage").asBoolean()).isTrue();
    assertThat(tree.at("/spec/versions/0").has("subresources")).isFalse();
    assertThat(tree.at("/spec/conversion/strategy").asText()).isEqualTo("None");
  }

  @Test
  void typedConversionMatchesTheTreeConversion() throws IOException {
    ObjectNode widgets = fixture("legacy-v1beta1.yaml", "widgets.example.gloo-mesh-upgrade.io");
    var typed =
        SERIALIZATION.convertValue(
            widgets,
            io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinition.class);
    CustomResourceDefinition converted = CrdManifestConverter.convert(typed);
    CustomResourceDefinition viaTree =
        SERIALIZATION.convertValue(
            CrdManifestConverter.toV1(widgets), CustomResourceDefinition.class);
    assertThat(converted).isEqualTo(viaTree);
  }

  @Test
  void v1ManifestsPassThroughUnchanged() throws IOException {
    ObjectNode settings =
        (ObjectNode)
            CrdSource.parse(Files.readString(resource("bundle/20-settings.yml")), "20-settings.yml")
                .get(0)
                .manifest();
    assertThat(CrdManifestConverter.isV1beta1(settings)).isFalse();
    assertThat(CrdManifestConverter.toV1(settings)).isEqualTo(settings).isNotSameAs(settings);
  }

  @Test
  void refusesWhatIsNotACrd() {
    ObjectNode configMap =
        SERIALIZATION.convertValue(
            Map.of("apiVersion", "v1", "kind", "ConfigMap", "metadata", Map.of("name", "x")),
            ObjectNode.class);
    assertThatThrownBy(() -> CrdManifestConverter.toV1(configMap))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ConfigMap");
  }

  /**
   * Converts and checks every property the step relies on; returns the typed v1 CRD as it would be
   * sent.
   */
  private static CustomResourceDefinition assertConvertsFaithfully(ObjectNode original) {
    String name = original.at("/metadata/name").asText();
    JsonNode spec = original.path("spec");
    ObjectNode tree = CrdManifestConverter.toV1(original);
    // Through the typed model, as the activity sends
    // it: nothing of the schema may be lost on the way.
    CustomResourceDefinition v1 = SERIALIZATION.convertValue(tree, CustomResourceDefinition.class);
    JsonNode sent = SERIALIZATION.convertValue(v1, JsonNode.class);

    assertThat(v1.getApiVersion()).as(name).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(v1.getKind()).isEqualTo("CustomResourceDefinition");
    assertThat(v1.getMetadata().getName()).isEqualTo(name);
    assertThat(v1.getSpec().getGroup()).isEqualTo(spec.path("group").asText());
    assertThat(v1.getSpec().getScope()).isEqualTo(spec.path("scope").asText());
    assertThat(sent.at("/spec/names")).as(name + " names").isEqualTo(spec.path("names"));
    assertThat(v1.getSpec().getPreserveUnknownFields())
        .as("v1 only allows false, which is the default")
        .isNotEqualTo(true);
    assertThat(v1.getSpec().getConversion().getStrategy()).isEqualTo("None");

    List<CustomResourceDefinitionVersion> versions = v1.getSpec().getVersions();
    JsonNode declared = spec.path("versions").isArray() ? spec.path("versions") : null;
    if (declared != null) {
      assertThat(versions).hasSize(declared.size());
    }
    assertThat(versions.stream().filter(CustomResourceDefinitionVersion::getStorage))
        .as(name + " storage versions")
        .hasSize(1);
    boolean pruning =
        spec.has("preserveUnknownFields") && !spec.get("preserveUnknownFields").asBoolean();
    for (int i = 0; i < versions.size(); i++) {
      CustomResourceDefinitionVersion version = versions.get(i);
      if (declared != null) {
        assertThat(version.getName()).isEqualTo(declared.get(i).path("name").asText());
        assertThat(version.getServed()).isEqualTo(declared.get(i).path("served").asBoolean());
        assertThat(version.getStorage()).isEqualTo(declared.get(i).path("storage").asBoolean());
      }
      assertThat(version.getSchema()).as(name + " " + version.getName() + " schema").isNotNull();
      assertThat(version.getSchema().getOpenAPIV3Schema()).isNotNull();
      if (spec.path("subresources").has("status")) {
        assertThat(version.getSubresources())
            .as(name + " " + version.getName() + " subresources")
            .isNotNull();
        assertThat(version.getSubresources().getStatus())
            .as(name + " status subresource")
            .isNotNull();
      }
      JsonNode own = declared == null ? null : declared.get(i).at("/schema/openAPIV3Schema");
      JsonNode expected =
          own != null && own.isObject() ? own : spec.at("/validation/openAPIV3Schema");
      JsonNode actual = sent.at("/spec/versions/" + i + "/schema/openAPIV3Schema");
      if (expected.isObject() && pruning) {
        assertThat(actual.equals(SAME_VALUE, expected))
            .as(name + " " + version.getName() + " schema equals the published one")
            .isTrue();
      }
    }
    return v1;
  }

  private static ObjectNode fixture(String file, String crdName) throws IOException {
    return CrdSource.parse(Files.readString(resource(file)), file).stream()
        .filter(c -> c.name().equals(crdName))
        .findFirst()
        .orElseThrow()
        .manifest();
  }

  static Path resource(String name) {
    try {
      return Path.of(CrdManifestConverterTest.class.getResource("/crds/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
