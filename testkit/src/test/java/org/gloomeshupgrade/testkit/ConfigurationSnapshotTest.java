package org.gloomeshupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the configuration snapshot keeps, how two are compared, and how an assertion reads when they
 * differ.
 */
@EnableKubernetesMockClient(crud = true)
class ConfigurationSnapshotTest {
  private static final String VERSION = "0.11.3";
  private static final String NS = "gloo-mesh";
  private static final String NETWORKING = SimulatedVersions.NETWORKING_GROUP;
  private static final ResourceKey MGMT_RETRIES =
      ResourceKey.namespaced(NETWORKING, "TrafficPolicy", NS, "mgmt-retries");
  private static final ResourceKey REVIEWS_SHIFT =
      ResourceKey.namespaced(
          NETWORKING, "TrafficPolicy", GlooMeshFixtures.APP_NAMESPACE, "reviews-shift");
  private static final ResourceKey SETTINGS =
      ResourceKey.namespaced(SimulatedVersions.SETTINGS_GROUP, "Settings", NS, "settings");

  /** No Gloo Mesh 0.x kind is cluster-scoped, so the test makes one up in a Gloo Mesh group. */
  private static final ResourceDefinitionContext MESH_DEFAULTS =
      new ResourceDefinitionContext.Builder()
          .withGroup(SimulatedVersions.SETTINGS_GROUP)
          .withVersion("v1alpha2")
          .withKind("MeshDefaults")
          .withPlural("meshdefaults")
          .withNamespaced(false)
          .build();

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void installGlooMesh() {
    for (SimulatedKind kind : SimulatedVersions.kinds(VERSION)) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(CrdManifests.v1Crd(kind))
          .create();
    }
    for (GenericKubernetesResource resource :
        GlooMeshFixtures.configuration(VERSION, NS, List.of("cluster-1"))) {
      create(resource);
    }
    GenericKubernetesResource settings = GlooMeshFixtures.settings(VERSION, NS);
    settings.getMetadata().setAnnotations(Map.of("meta.helm.sh/release-name", "gloo-mesh"));
    create(settings);
    for (GenericKubernetesResource resource :
        GlooMeshFixtures.discoveryResources(
            SimulatedVersions.DISCOVERY_GROUP + "/v1alpha2", "Workload", NS, "cluster-1", 2)) {
      create(resource);
    }
  }

  @Test
  void keepsEveryNonDiscoveryResourceWholeButWhatTheServerAndControllersOwn() {
    writeStatus(MGMT_RETRIES, Map.of("state", "ACCEPTED", "observedGeneration", 1));

    ConfigurationSnapshot snapshot = ConfigurationSnapshot.capture(client);

    assertThat(snapshot.keys())
        .hasSize(GlooMeshFixtures.configuration(VERSION, NS, List.of("cluster-1")).size() + 1)
        .contains(MGMT_RETRIES, REVIEWS_SHIFT, SETTINGS)
        .noneMatch(k -> k.group().equals(SimulatedVersions.DISCOVERY_GROUP));
    JsonNode retries = snapshot.resource(MGMT_RETRIES).orElseThrow();
    assertThat(retries.path("apiVersion").asText()).isEqualTo(NETWORKING + "/v1alpha2");
    assertThat(retries.at("/spec/retries/attempts").asInt()).isEqualTo(3);
    assertThat(retries.has("status")).isFalse();
    assertThat(retries.path("metadata").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("name", "namespace");
    assertThat(
            snapshot
                .resource(SETTINGS)
                .orElseThrow()
                .at("/metadata/labels/app.kubernetes.io~1managed-by")
                .asText())
        .isEqualTo("Helm");
  }

  @Test
  void aChangedNestedSpecFieldIsReportedAtItsJsonPointer() {
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);

    edit(
        REVIEWS_SHIFT,
        r -> ((ObjectNode) r.at("/spec/trafficShift/destinations/0")).put("weight", 50));

    List<ConfigurationDifference> differences =
        before.differencesTo(ConfigurationSnapshot.capture(client));
    assertThat(differences)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.resource()).isEqualTo(REVIEWS_SHIFT);
              assertThat(d.path()).isEqualTo("/spec/trafficShift/destinations/0/weight");
              assertThat(d.before().asInt()).isEqualTo(75);
              assertThat(d.after().asInt()).isEqualTo(50);
            });
  }

  @Test
  void theManifestsInstallsRecordOfWhatItAppliedIsNotConfiguration() {
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);

    edit(
        SETTINGS,
        s ->
            ((ObjectNode) s.at("/metadata/annotations"))
                .put("gloo-mesh-upgrade.io/last-applied", "{\"spec\":{}}"));
    assertThat(before.differencesTo(ConfigurationSnapshot.capture(client))).isEmpty();

    edit(
        SETTINGS,
        s -> ((ObjectNode) s.at("/metadata/annotations")).put("gloo-mesh-upgrade.io/other", "x"));
    assertThat(before.differencesTo(ConfigurationSnapshot.capture(client))).hasSize(1);
  }

  @Test
  void aChangedLabelIsReportedWithTheSlashInItsKeyEscaped() {
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);

    edit(
        SETTINGS,
        s -> ((ObjectNode) s.at("/metadata/labels")).put("app.kubernetes.io/managed-by", "gmu"));

    assertThat(before.differencesTo(ConfigurationSnapshot.capture(client)))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.resource()).isEqualTo(SETTINGS);
              assertThat(d.path()).isEqualTo("/metadata/labels/app.kubernetes.io~1managed-by");
              assertThat(d.before().asText()).isEqualTo("Helm");
              assertThat(d.after().asText()).isEqualTo("gmu");
            });
  }

  @Test
  void anAddedAnnotationIsReportedAsAddedWithNothingBefore() {
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);

    edit(
        SETTINGS,
        s -> ((ObjectNode) s.at("/metadata/annotations")).put("example.com/owner", "platform"));

    assertThat(before.differencesTo(ConfigurationSnapshot.capture(client)))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.path()).isEqualTo("/metadata/annotations/example.com~1owner");
              assertThat(d.before()).isInstanceOf(MissingNode.class);
              assertThat(d.after().asText()).isEqualTo("platform");
              assertThat(d.describe())
                  .isEqualTo("/metadata/annotations/example.com~1owner added: \"platform\"");
            });
  }

  @Test
  void aDeletedResourceAndANewOneAreReportedWhole() {
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);

    client
        .genericKubernetesResources(context("TrafficPolicy"))
        .inNamespace(NS)
        .withName("mgmt-retries")
        .delete();
    GenericKubernetesResource added =
        GlooMeshFixtures.resource(
            NETWORKING + "/v1alpha2",
            "TrafficPolicy",
            "new-timeouts",
            NS,
            Map.of("requestTimeout", "5s"));
    create(added);

    List<ConfigurationDifference> differences =
        before.differencesTo(ConfigurationSnapshot.capture(client));
    assertThat(differences).hasSize(2);
    ConfigurationDifference removed =
        differences.stream()
            .filter(d -> d.resource().equals(MGMT_RETRIES))
            .findFirst()
            .orElseThrow();
    assertThat(removed.resourceRemoved()).isTrue();
    assertThat(removed.path()).isEmpty();
    assertThat(removed.before().at("/spec/retries/attempts").asInt()).isEqualTo(3);
    ConfigurationDifference created =
        differences.stream()
            .filter(
                d ->
                    d.resource()
                        .equals(
                            ResourceKey.namespaced(
                                NETWORKING, "TrafficPolicy", NS, "new-timeouts")))
            .findFirst()
            .orElseThrow();
    assertThat(created.resourceAdded()).isTrue();
    assertThat(created.after().at("/spec/requestTimeout").asText()).isEqualTo("5s");
  }

  @Test
  void aClusterScopedKindIsReadClusterWideAndKeyedWithoutANamespace() {
    CustomResourceDefinition crd =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(CrdManifests.v1Crd(SimulatedVersions.requireKind(VERSION, "Settings")))
            .get();
    crd.getMetadata().setName("meshdefaults." + SimulatedVersions.SETTINGS_GROUP);
    crd.getMetadata().setResourceVersion(null);
    crd.getSpec().setScope("Cluster");
    crd.getSpec().getNames().setKind("MeshDefaults");
    crd.getSpec().getNames().setListKind("MeshDefaultsList");
    crd.getSpec().getNames().setPlural("meshdefaults");
    crd.getSpec().getNames().setSingular("meshdefaults");
    crd.getSpec().getNames().setShortNames(List.of());
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    GenericKubernetesResource defaults =
        GlooMeshFixtures.resource(
            SimulatedVersions.SETTINGS_GROUP + "/v1alpha2",
            "MeshDefaults",
            "defaults",
            null,
            Map.of("mtls", Map.of("istio", Map.of("tlsMode", "ISTIO_MUTUAL"))));
    client.genericKubernetesResources(MESH_DEFAULTS).resource(defaults).create();
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);

    GenericKubernetesResource stored =
        client.genericKubernetesResources(MESH_DEFAULTS).withName("defaults").get();
    stored.setAdditionalProperty(
        "spec", Map.of("mtls", Map.of("istio", Map.of("tlsMode", "DISABLE"))));
    client.genericKubernetesResources(MESH_DEFAULTS).resource(stored).update();

    ResourceKey key =
        ResourceKey.clusterScoped(SimulatedVersions.SETTINGS_GROUP, "MeshDefaults", "defaults");
    assertThat(before.keys()).contains(key);
    assertThat(key).hasToString("settings.mesh.gloo.solo.io/MeshDefaults defaults");
    assertThat(before.differencesTo(ConfigurationSnapshot.capture(client)))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.resource()).isEqualTo(key);
              assertThat(d.path()).isEqualTo("/spec/mtls/istio/tlsMode");
              assertThat(d.describe())
                  .isEqualTo("/spec/mtls/istio/tlsMode: \"ISTIO_MUTUAL\" -> \"DISABLE\"");
            });
  }

  @Test
  void resourcesAreReadAtTheStorageVersionOfTheirCrd() {
    CustomResourceDefinition crd =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("trafficpolicies." + NETWORKING)
            .get();
    var served = crd.getSpec().getVersions().get(0);
    var stored = client.getKubernetesSerialization().clone(served);
    stored.setName("v1beta1");
    served.setStorage(false);
    crd.getSpec().setVersions(List.of(served, stored));
    client.apiextensions().v1().customResourceDefinitions().resource(crd).update();
    ResourceDefinitionContext v1beta1 =
        new ResourceDefinitionContext.Builder()
            .withGroup(NETWORKING)
            .withVersion("v1beta1")
            .withKind("TrafficPolicy")
            .withPlural("trafficpolicies")
            .withNamespaced(true)
            .build();
    client
        .genericKubernetesResources(v1beta1)
        .inNamespace(NS)
        .resource(
            GlooMeshFixtures.resource(
                NETWORKING + "/v1beta1",
                "TrafficPolicy",
                "stored-at-v1beta1",
                NS,
                Map.of("requestTimeout", "1s")))
        .create();

    ConfigurationSnapshot snapshot = ConfigurationSnapshot.capture(client);

    assertThat(
            snapshot.resource(
                ResourceKey.namespaced(NETWORKING, "TrafficPolicy", NS, "stored-at-v1beta1")))
        .hasValueSatisfying(
            r -> assertThat(r.path("apiVersion").asText()).isEqualTo(NETWORKING + "/v1beta1"));
  }

  @Test
  void statusResourceVersionAndGenerationChangesAreNotDifferences() {
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);

    writeStatus(MGMT_RETRIES, Map.of("state", "ACCEPTED", "observedGeneration", 2));
    edit(MGMT_RETRIES, r -> ((ObjectNode) r.path("metadata")).put("generation", 7));
    edit(MGMT_RETRIES, r -> {});

    ConfigurationSnapshot after = ConfigurationSnapshot.capture(client);
    GenericKubernetesResource stored =
        client
            .genericKubernetesResources(context("TrafficPolicy"))
            .inNamespace(NS)
            .withName("mgmt-retries")
            .get();
    assertThat(stored.getAdditionalProperties()).containsKey("status");
    assertThat(before.differencesTo(after)).isEmpty();
    assertThatCode(() -> ConfigurationSnapshot.assertUnchanged(before, after))
        .doesNotThrowAnyException();
  }

  @Test
  void discoveryResourcesAndNonGlooMeshKindsAreLeftOut() {
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);

    ResourceDefinitionContext workloads =
        SimulatedVersions.requireKind(VERSION, "Workload").context();
    client.genericKubernetesResources(workloads).inNamespace(NS).delete();
    create(
        GlooMeshFixtures.discoveryResources(
                SimulatedVersions.DISCOVERY_GROUP + "/v1alpha2", "Mesh", NS, "cluster-2", 1)
            .get(0));
    ObjectNode istioCrd = CrdManifests.v1(SimulatedVersions.requireKind(VERSION, "TrafficPolicy"));
    istioCrd.with("metadata").put("name", "virtualservices.networking.istio.io");
    istioCrd
        .with("spec")
        .put("group", "networking.istio.io")
        .with("names")
        .put("kind", "VirtualService")
        .put("listKind", "VirtualServiceList")
        .put("plural", "virtualservices")
        .put("singular", "virtualservice")
        .remove("shortNames");
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(Json.KUBE.convertValue(istioCrd, CustomResourceDefinition.class))
        .create();
    ResourceDefinitionContext virtualServices =
        new ResourceDefinitionContext.Builder()
            .withGroup("networking.istio.io")
            .withVersion("v1alpha2")
            .withKind("VirtualService")
            .withPlural("virtualservices")
            .withNamespaced(true)
            .build();
    client
        .genericKubernetesResources(virtualServices)
        .inNamespace(NS)
        .resource(
            GlooMeshFixtures.resource(
                "networking.istio.io/v1alpha2", "VirtualService", "reviews", NS, Map.of()))
        .create();

    assertThat(before.differencesTo(ConfigurationSnapshot.capture(client))).isEmpty();
  }

  @Test
  void aFailedAssertionListsEveryDifferenceByResource() {
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);
    edit(
        MGMT_RETRIES,
        r -> ((ObjectNode) r.at("/spec/retries")).put("attempts", 5).remove("perTryTimeout"));
    edit(
        MGMT_RETRIES,
        r -> ((ObjectNode) r.path("metadata")).putObject("labels").put("team", "mesh"));
    client
        .genericKubernetesResources(context("Settings"))
        .inNamespace(NS)
        .withName("settings")
        .delete();
    ConfigurationSnapshot after = ConfigurationSnapshot.capture(client);

    assertThatThrownBy(() -> ConfigurationSnapshot.assertUnchanged(before, after))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith(
            "Gloo Mesh configuration outside the discovery group, compared field by field"
                + " (10 resources before, 9 after):\n4 unexpected difference(s):\n"
                + "  networking.mesh.gloo.solo.io/TrafficPolicy gloo-mesh/mgmt-retries\n"
                + "    /metadata/labels added: {\"team\":\"mesh\"}\n"
                + "    /spec/retries/attempts: 3 -> 5\n"
                + "    /spec/retries/perTryTimeout removed (it was \"2s\")\n"
                + "  settings.mesh.gloo.solo.io/Settings gloo-mesh/settings\n"
                + "    resource removed (it was {\"apiVersion\":\"settings.mesh.gloo.solo.io/v1alpha2\"");
  }

  @Test
  void anExpectedChangeIsAllowedOnlyAtItsResourceAndPathAndMustHappen() {
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);
    edit(SETTINGS, s -> ((ObjectNode) s.path("spec")).remove("istio"));
    ConfigurationSnapshot after = ConfigurationSnapshot.capture(client);
    ExpectedChange istioRemoved = ExpectedChange.at(SETTINGS, "/spec/istio").removed();

    assertThatCode(() -> ConfigurationSnapshot.assertChangedExactly(before, after, istioRemoved))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                ConfigurationSnapshot.assertChangedExactly(
                    before,
                    after,
                    ExpectedChange.at(SETTINGS, "/spec/istio/ingressGatewayDetectors").removed()))
        .as("an expectation under the changed path does not cover it")
        .hasMessageContaining(
            "1 unexpected difference(s):\n  settings.mesh.gloo.solo.io/Settings gloo-mesh/settings\n"
                + "    /spec/istio removed (it was {")
        .hasMessageContaining(
            "1 expected change(s) that did not happen:\n  expected settings.mesh.gloo.solo.io/Settings"
                + " gloo-mesh/settings /spec/istio/ingressGatewayDetectors: (any) -> (absent)\n    found {");
    assertThatThrownBy(
            () ->
                ConfigurationSnapshot.assertChangedExactly(
                    before,
                    after,
                    istioRemoved,
                    ExpectedChange.at(MGMT_RETRIES, "/spec/retries/attempts").from(3).to(5)))
        .hasMessageNotContaining("unexpected")
        .hasMessageEndingWith(
            "1 expected change(s) that did not happen:\n"
                + "  expected networking.mesh.gloo.solo.io/TrafficPolicy gloo-mesh/mgmt-retries /spec/retries/attempts:"
                + " 3 -> 5\n    found 3 -> 3");
    assertThatThrownBy(
            () ->
                ConfigurationSnapshot.assertChangedExactly(
                    before, after, ExpectedChange.at(SETTINGS, "/spec/istio").to(Map.of())))
        .as("the value after, when given, must match")
        .hasMessageContaining("did not happen");
  }

  @Test
  void expectedResourceRemovalAndAdditionMatchOnlyTheirResource() {
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);
    client
        .genericKubernetesResources(context("TrafficPolicy"))
        .inNamespace(NS)
        .withName("mgmt-retries")
        .delete();
    ConfigurationSnapshot after = ConfigurationSnapshot.capture(client);

    assertThatCode(
            () ->
                ConfigurationSnapshot.assertChangedExactly(
                    before, after, ExpectedChange.resourceRemoved(MGMT_RETRIES)))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                ConfigurationSnapshot.assertChangedExactly(
                    before, after, ExpectedChange.resourceAdded(MGMT_RETRIES)))
        .hasMessageContaining("resource removed");
    assertThatThrownBy(
            () ->
                ConfigurationSnapshot.assertChangedExactly(
                    before, after, ExpectedChange.resourceRemoved(REVIEWS_SHIFT)))
        .hasMessageContaining("gloo-mesh/mgmt-retries\n" + "    resource removed")
        .hasMessageContaining(
            "expected networking.mesh.gloo.solo.io/TrafficPolicy"
                + " bookinfo/reviews-shift the resource: (any) -> (absent)");
    assertThatThrownBy(() -> ExpectedChange.at(MGMT_RETRIES, "spec/retries"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void numbersCompareByValueAndArraysByIndex() {
    ConfigurationSnapshot before = ConfigurationSnapshot.capture(client);
    edit(MGMT_RETRIES, r -> ((ObjectNode) r.at("/spec/retries")).put("attempts", 3.0));
    edit(REVIEWS_SHIFT, r -> r.withArray("/spec/trafficShift/destinations").remove(1));

    assertThat(before.differencesTo(ConfigurationSnapshot.capture(client)))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.resource()).isEqualTo(REVIEWS_SHIFT);
              assertThat(d.path()).isEqualTo("/spec/trafficShift/destinations/1");
              assertThat(d.after()).isInstanceOf(MissingNode.class);
            });
  }

  @Test
  void aKindWhoseStorageIsStillStartingIsReadOnceTheServerIsReady() {
    // What a real API server answers for a moment after an upgrade creates or changes a CRD.
    server
        .expect()
        .get()
        .withPath("/apis/" + NETWORKING + "/v1alpha2/trafficpolicies")
        .andReturn(
            429,
            new StatusBuilder()
                .withStatus("Failure")
                .withCode(429)
                .withReason("TooManyRequests")
                .withMessage("storage is (re)initializing")
                .withNewDetails()
                .withRetryAfterSeconds(1)
                .endDetails()
                .build())
        .once();

    // The simulator's clients do not retry, so the snapshot must not count on the client to.
    ConfigurationSnapshot snapshot;
    try (KubernetesClient withoutRetries =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build()) {
      snapshot = ConfigurationSnapshot.capture(withoutRetries);
    }

    assertThat(snapshot.keys()).contains(MGMT_RETRIES, REVIEWS_SHIFT);
  }

  private void create(GenericKubernetesResource resource) {
    client
        .genericKubernetesResources(context(resource.getKind()))
        .inNamespace(resource.getMetadata().getNamespace())
        .resource(resource)
        .create();
  }

  /**
   * Reads a resource as JSON, lets {@code change} edit it, and writes it back as a client's update
   * would.
   */
  private void edit(ResourceKey key, Consumer<ObjectNode> change) {
    var resources =
        client.genericKubernetesResources(context(key.kind())).inNamespace(key.namespace());
    ObjectNode json =
        client
            .getKubernetesSerialization()
            .convertValue(resources.withName(key.name()).get(), ObjectNode.class);
    change.accept(json);
    resources
        .resource(
            client.getKubernetesSerialization().convertValue(json, GenericKubernetesResource.class))
        .update();
  }

  private void writeStatus(ResourceKey key, Map<String, Object> status) {
    var resources =
        client.genericKubernetesResources(context(key.kind())).inNamespace(key.namespace());
    GenericKubernetesResource current = resources.withName(key.name()).get();
    current.setAdditionalProperty("status", status);
    resources.resource(current).updateStatus();
  }

  private static ResourceDefinitionContext context(String kind) {
    return SimulatedVersions.requireKind(VERSION, kind).context();
  }
}
