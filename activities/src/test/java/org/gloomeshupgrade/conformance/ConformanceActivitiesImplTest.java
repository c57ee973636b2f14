package org.gloomeshupgrade.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.DISCOVERY;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.NETWORKING;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.NETWORKING_ENTERPRISE;
import static org.gloomeshupgrade.mesh.GlooMeshGroups.SETTINGS;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.crds.CrdApplyInput;
import org.gloomeshupgrade.crds.PublishedCrds;
import org.gloomeshupgrade.kube.CrdKinds;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.Labels;
import org.gloomeshupgrade.kube.MeshFixtures;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.sources.LocalSources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class ConformanceActivitiesImplTest {
  /** Shaped like the 0.11 TrafficPolicy schema, cut down. */
  private static final String TRAFFIC_POLICY_SCHEMA =
      """
      {"type": "object",
       "properties": {
         "spec": {"type": "object", "required": ["destinationSelector"],
                  "properties": {
                    "destinationSelector": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                    "retries": {"type": "object", "properties": {"attempts": {"type": "integer"}}},
                    "trafficShift": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}},
         "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}
      """;

  private static final String SETTINGS_SCHEMA =
      """
      {"type": "object",
       "properties": {
         "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                  "properties": {"mtls": {"type": "object"}}}}}
      """;

  /**
   * Shaped like the 0.12 WasmDeployment schema, cut down, with a map and an embedded resource
   * added.
   */
  private static final String WASM_SCHEMA =
      """
      {"type": "object",
       "properties": {
         "spec": {"type": "object",
                  "properties": {
                    "filters": {"type": "array", "items": {"type": "object", "properties": {
                      "rootId": {"type": "string"},
                      "staticFilterConfig": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                                             "properties": {"typed": {"type": "object", "properties": {"a": {"type": "string"}}}}}}}},
                    "labels": {"type": "object", "additionalProperties": {"type": "object", "properties": {"value": {"type": "string"}}}},
                    "anything": {"type": "object", "additionalProperties": true},
                    "template": {"type": "object", "x-kubernetes-embedded-resource": true, "properties": {"spec": {"type": "object"}}}}}}}
      """;

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path tmp;

  private KubernetesClients clients;
  private ConformanceActivitiesImpl activities;
  private MeshFixtures mesh;

  @BeforeEach
  void setUp() {
    clients = MockKubeconfig.context("mgmt", client).clients(tmp);
    activities = new ConformanceActivitiesImpl(clients, LocalSources.anyLocalPath());
    mesh = new MeshFixtures(client);
    mesh.crd(NETWORKING, "TrafficPolicy", "v1alpha2", TRAFFIC_POLICY_SCHEMA, "0.11.3");
    mesh.crd(SETTINGS, "Settings", "v1alpha2", SETTINGS_SCHEMA, "0.11.3");
    mesh.crd(DISCOVERY, "Mesh", "v1alpha2", TRAFFIC_POLICY_SCHEMA, "0.11.3");
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  @Test
  void beforeTheUpgradeResourcesAreCheckedAgainstTheTargetCrdsFromTheSource() {
    PublishedSchemas installed = PublishedSchemas.of("0.11.3");
    Path target = PublishedCrds.management("0.12.0");
    assumeTrue(
        installed != null && target != null,
        "the published 0.11.3 and 0.12.0 CRDs (shared/gloo-mesh-crds) are not on this machine");
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(installed.crd("Settings"))
        .createOr(NonDeletingOperation::update);
    // Fits 0.11.3; 0.12.0 moved spec.istio to
    // spec.discovery.istio, so its schema prunes the old field.
    mesh.resource(
        SETTINGS,
        "v1alpha2",
        "Settings",
        "gloo-mesh",
        "settings",
        Map.of(
            "mtls",
            Map.of("istio", Map.of("tlsMode", "ISTIO_MUTUAL")),
            "istio",
            Map.of("ingressGatewayDetectors", Map.of())));

    ConformanceReport installedCheck = activities.check("mgmt");
    ConformanceReport targetCheck =
        activities.checkAgainstTarget(new CrdApplyInput("mgmt", target.toString(), "0.12.0", 60));

    assertThat(installedCheck.problems()).as("fits the installed 0.11.3 schema").isEmpty();
    assertThat(targetCheck.resourcesChecked()).isEqualTo(1);
    assertThat(targetCheck.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo("Settings");
              assertThat(p.path()).isEqualTo("$.spec.istio");
              assertThat(p.hint()).contains("the API server would drop this field");
            });
  }

  @Test
  void beforeTheUpgradeProblemsOfObjectsTheChartOwnsAreLeftToTheChartWhichRewritesThem() {
    PublishedSchemas installed = PublishedSchemas.of("0.11.3");
    Path target = PublishedCrds.management("0.12.0");
    assumeTrue(
        installed != null && target != null,
        "the published 0.11.3 and 0.12.0 CRDs (shared/gloo-mesh-crds) are not on this machine");
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(installed.crd("Settings"))
        .createOr(NonDeletingOperation::update);
    Map<String, Object> oldShape = Map.of("istio", Map.of("ingressGatewayDetectors", Map.of()));
    GenericKubernetesResource chartOwned =
        mesh.resource(SETTINGS, "v1alpha2", "Settings", "gloo-mesh", "settings", oldShape);
    chartOwned.getMetadata().setLabels(Map.of(Labels.MANAGED_BY, "Helm"));
    chartOwned.getMetadata().setAnnotations(Map.of(Labels.HELM_RELEASE_NAME, "gloo-mesh"));
    client
        .genericKubernetesResources(MeshFixtures.context(SETTINGS, "v1alpha2", "Settings"))
        .resource(chartOwned)
        .update();
    mesh.resource(SETTINGS, "v1alpha2", "Settings", "team-a", "made-by-hand", oldShape);

    ConformanceReport report =
        activities.checkAgainstTarget(new CrdApplyInput("mgmt", target.toString(), "0.12.0", 60));

    assertThat(report.problems())
        .extracting(ConformanceProblem::namespace, ConformanceProblem::path)
        .containsExactly(tuple("team-a", "$.spec.istio"));
    assertThat(report.leftToChart())
        .extracting(ConformanceProblem::namespace, ConformanceProblem::path)
        .containsExactly(tuple("gloo-mesh", "$.spec.istio"));
    assertThat(activities.check("mgmt").leftToChart())
        .as("after the upgrade nothing is left aside")
        .isEmpty();
  }

  @Test
  void aKindTheTargetNoLongerHasIsReportedAgainstTheTargetVersion() {
    Path target = PublishedCrds.management("0.11.3");
    assumeTrue(
        target != null,
        "the published 0.11.3 CRDs (shared/gloo-mesh-crds) are not on this machine");
    mesh.crd(NETWORKING, "RetiredPolicy", "v1alpha2", TRAFFIC_POLICY_SCHEMA, "0.10.10");
    mesh.resource(
        NETWORKING,
        "v1alpha2",
        "RetiredPolicy",
        "bookinfo",
        "old",
        Map.of("destinationSelector", List.of()));

    ConformanceReport report =
        activities.checkAgainstTarget(new CrdApplyInput("mgmt", target.toString(), "0.11.3", 60));

    assertThat(report.problems())
        .extracting(ConformanceProblem::name, ConformanceProblem::problem)
        .contains(
            tuple(
                "old",
                "kind RetiredPolicy of group networking.mesh.gloo.solo.io has no 0.11.3 CRD"));
  }

  @Test
  void resourcesThatFitTheNewSchemasAreClean() {
    mesh.resource(
        NETWORKING,
        "v1alpha2",
        "TrafficPolicy",
        "bookinfo",
        "retries",
        Map.of(
            "destinationSelector",
            List.of(Map.of("kubeServiceRefs", Map.of())),
            "retries",
            Map.of("attempts", 3)));
    mesh.resource(
        SETTINGS,
        "v1alpha2",
        "Settings",
        "gloo-mesh",
        "settings",
        Map.of("mtls", Map.of(), "newFieldTheSchemaKeeps", true));

    ConformanceReport report = activities.check("mgmt");

    assertThat(report.problems()).isEmpty();
    assertThat(report.clean()).isTrue();
    assertThat(report.resourcesChecked()).isEqualTo(2);
  }

  @Test
  void manyProblemsAreCountedAndOnlyTheFirstListed() {
    // Each misses its required destinationSelector: 150 problems in 150 resources.
    for (int i = 0; i < 150; i++) {
      mesh.resource(NETWORKING, "v1alpha2", "TrafficPolicy", "bookinfo", "tp-" + i, Map.of());
    }

    ConformanceReport report = activities.check("mgmt");

    assertThat(report.clean()).isFalse();
    assertThat(report.problems()).hasSize(ConformanceReport.MAX_LISTED);
    assertThat(report.problemsUnlisted()).isEqualTo(50);
    assertThat(report.problemCount()).isEqualTo(150);
  }

  @Test
  void reportsMissingRequiredFieldsWrongTypesAndFieldsTheServerWouldDrop() {
    mesh.resource(
        NETWORKING,
        "v1alpha2",
        "TrafficPolicy",
        "bookinfo",
        "old-shape",
        Map.of("istio", Map.of("tlsMode", "ISTIO_MUTUAL"), "retries", Map.of("attempts", "3")));

    ConformanceReport report = activities.check("mgmt");

    assertThat(report.clean()).isFalse();
    assertThat(report.problems())
        .extracting(ConformanceProblem::path)
        .containsExactlyInAnyOrder(
            "$.spec.destinationSelector", "$.spec.istio", "$.spec.retries.attempts");
    ConformanceProblem dropped =
        report.problems().stream()
            .filter(p -> p.path().equals("$.spec.istio"))
            .findFirst()
            .orElseThrow();
    assertThat(dropped.kind()).isEqualTo("TrafficPolicy");
    assertThat(dropped.namespace()).isEqualTo("bookinfo");
    assertThat(dropped.name()).isEqualTo("old-shape");
    assertThat(dropped.hint()).contains("the API server would drop this field");
    assertThat(report.problems())
        .filteredOn(p -> p.path().equals("$.spec.destinationSelector"))
        .singleElement()
        .satisfies(p -> assertThat(p.problem()).contains("required"));
  }

  @Test
  void reportsFieldsTheServerWouldDropAtAnyDepth() {
    mesh.crd(NETWORKING_ENTERPRISE, "WasmDeployment", "v1alpha1", WASM_SCHEMA, "0.12.8");
    mesh.resource(
        NETWORKING_ENTERPRISE,
        "v1alpha1",
        "WasmDeployment",
        "bookinfo",
        "filters",
        Map.of(
            "filters",
                List.of(
                    Map.of(
                        "rootId",
                        "a",
                        "vmId",
                        "gone",
                        "staticFilterConfig",
                        Map.of(
                            "free", Map.of("form", 1), "typed", Map.of("a", "kept", "b", "gone")))),
            "labels", Map.of("app.kubernetes.io/name", Map.of("value", "kept", "weight", 1)),
            "anything", Map.of("key", Map.of("inside", "gone"), "scalar", "kept"),
            "template",
                Map.of(
                    "apiVersion",
                    "v1",
                    "kind",
                    "Pod",
                    "metadata",
                    Map.of("name", "kept"),
                    "spec",
                    Map.of("gone", true))));

    ConformanceReport report = activities.check("mgmt");

    assertThat(report.problems())
        .extracting(ConformanceProblem::path)
        .containsExactlyInAnyOrder(
            "$.spec.filters[0].vmId",
            "$.spec.filters[0].staticFilterConfig.typed.b",
            "$.spec.labels['app.kubernetes.io/name'].weight",
            "$.spec.anything.key.inside",
            "$.spec.template.spec.gone");
    assertThat(report.problems())
        .allSatisfy(p -> assertThat(p.hint()).contains("the API server would drop"));
  }

  @Test
  void aCrdThatPreservesUnknownFieldsOnlyAtTheRootStillPrunesInsideTheSpec() {
    mesh.crd(
        NETWORKING_ENTERPRISE,
        "WasmDeployment",
        "v1alpha1",
        """
        {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
         "properties": {"spec": {"type": "object", "properties": {"weight": {"type": "integer"}}}}}
        """,
        "0.12.8");
    GenericKubernetesResource r =
        mesh.resource(
            NETWORKING_ENTERPRISE,
            "v1alpha1",
            "WasmDeployment",
            "bookinfo",
            "weighted",
            Map.of("weight", 1, "extra", true));
    r.setAdditionalProperty("rootField", "kept");
    client
        .genericKubernetesResources(
            MeshFixtures.context(NETWORKING_ENTERPRISE, "v1alpha1", "WasmDeployment"))
        .resource(r)
        .update();

    assertThat(activities.check("mgmt").problems())
        .extracting(ConformanceProblem::path)
        .containsExactly("$.spec.extra");
  }

  @Test
  void reportsEachSchemaErrorAndLostFieldAgainstAPublishedCrdWithItsPathAndAHint() {
    PublishedSchemas published = PublishedSchemas.of("0.12.8");
    assumeTrue(
        published != null,
        "the published 0.12.8 CRDs (shared/gloo-mesh-crds) are not on this machine");
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(published.crd("VirtualMesh"))
        .create();
    mesh.resource(
        NETWORKING,
        "v1alpha2",
        "VirtualMesh",
        "gloo-mesh",
        "conforming",
        Map.of(
            "meshes",
                List.of(Map.of("name", "istiod-istio-system-cluster-1", "namespace", "gloo-mesh")),
            "mtlsConfig",
                Map.of("shared", Map.of("rootCertificateAuthority", Map.of("generated", Map.of()))),
            "federation", Map.of("flatNetwork", true),
            "globalAccessPolicy", "DISABLED"));
    mesh.resource(
        NETWORKING,
        "v1alpha2",
        "VirtualMesh",
        "gloo-mesh",
        "broken",
        Map.of(
            "meshes",
            "istiod-istio-system-cluster-1",
            "mtlsConfig",
            Map.of("shared", Map.of(), "limited", Map.of()),
            "federation",
            Map.of("flatNetwork", true, "legacyField", "x"),
            "globalAccessPolicy",
            "ON"));

    ConformanceReport report = activities.check("mgmt");

    assertThat(report.resourcesChecked()).isEqualTo(2);
    assertThat(report.problems())
        .allSatisfy(
            p -> {
              assertThat(p.kind()).isEqualTo("VirtualMesh");
              assertThat(p.namespace()).isEqualTo("gloo-mesh");
              assertThat(p.name()).isEqualTo("broken");
              assertThat(p.hint()).isNotBlank();
            });
    assertThat(report.problems())
        .extracting(ConformanceProblem::path, ConformanceProblem::problem)
        .containsExactlyInAnyOrder(
            tuple(
                "$.spec.meshes",
                "spec.meshes is a string (\"istiod-istio-system-cluster-1\"), but the v1alpha2 "
                    + "schema wants an array"),
            tuple(
                "$.spec.mtlsConfig",
                "spec.mtlsConfig sets shared and limited, of which only one may be set"),
            tuple(
                "$.spec.globalAccessPolicy",
                "spec.globalAccessPolicy is \"ON\", which is not one of MESH_DEFAULT, "
                    + "ENABLED, DISABLED"),
            tuple(
                "$.spec.federation.legacyField",
                "field spec.federation.legacyField would be lost: it is not in "
                    + "the v1alpha2 schema of VirtualMesh"));
  }

  @Test
  void reportsResourcesStoredAtAVersionTheCrdNoLongerServes() {
    CustomResourceDefinition crd =
        new CustomResourceDefinitionBuilder()
            .withNewMetadata()
            .withName("accesspolicies." + NETWORKING)
            .endMetadata()
            .withNewSpec()
            .withGroup(NETWORKING)
            .withScope("Namespaced")
            .withNewNames()
            .withKind("AccessPolicy")
            .withPlural("accesspolicies")
            .endNames()
            .addNewVersion()
            .withName("v1alpha1")
            .withServed(false)
            .withStorage(false)
            .endVersion()
            .addNewVersion()
            .withName("v1alpha2")
            .withServed(true)
            .withStorage(true)
            .endVersion()
            .endSpec()
            .build();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    mesh.resource(NETWORKING, "v1alpha1", "AccessPolicy", "bookinfo", "legacy", Map.of());
    mesh.resource(NETWORKING, "v1alpha2", "AccessPolicy", "bookinfo", "current", Map.of());

    ConformanceReport report = activities.check("mgmt");

    assertThat(report.resourcesChecked()).isEqualTo(2);
    assertThat(report.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.name()).isEqualTo("legacy");
              assertThat(p.path()).isEqualTo("$.apiVersion");
              assertThat(p.problem())
                  .contains("networking.mesh.gloo.solo.io/v1alpha1", "not served", "[v1alpha2]");
            });
  }

  @Test
  void reportsAStoredVersionTheServerCannotServeAnyMore() {
    CustomResourceDefinition crd =
        new CustomResourceDefinitionBuilder()
            .withNewMetadata()
            .withName("virtualmeshes." + NETWORKING)
            .endMetadata()
            .withNewSpec()
            .withGroup(NETWORKING)
            .withScope("Namespaced")
            .withNewNames()
            .withKind("VirtualMesh")
            .withPlural("virtualmeshes")
            .endNames()
            .addNewVersion()
            .withName("v1alpha2")
            .withServed(true)
            .withStorage(true)
            .endVersion()
            .endSpec()
            .withNewStatus()
            .withStoredVersions("v1alpha1", "v1alpha2")
            .endStatus()
            .build();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    // what a real API server answers for a version its CRD does not list
    server
        .expect()
        .get()
        .withPath(
            "/apis/networking.mesh.gloo.solo.io/v1alpha1/virtualmeshes?limit=" + CrdKinds.PAGE)
        .andReturn(
            404,
            new StatusBuilder()
                .withCode(404)
                .withReason("NotFound")
                .withMessage("the server could not find the requested resource")
                .build())
        .always();

    ConformanceReport report = activities.check("mgmt");

    assertThat(report.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo("VirtualMesh");
              assertThat(p.path()).isEqualTo("$");
              assertThat(p.problem())
                  .contains("networking.mesh.gloo.solo.io/v1alpha1", "cannot be read");
            });
  }

  @Test
  void reportsObjectsWhoseKindHasNoInstalledCrd() {
    // An object left under the CRD's path with a kind the new CRDs no longer define.
    client
        .genericKubernetesResources(MeshFixtures.context(NETWORKING, "v1alpha2", "TrafficPolicy"))
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion(NETWORKING + "/v1alpha2")
                .withKind("FailoverService")
                .withNewMetadata()
                .withName("failover")
                .withNamespace("bookinfo")
                .endMetadata()
                .build())
        .create();

    ConformanceReport report = activities.check("mgmt");

    assertThat(report.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo("FailoverService");
              assertThat(p.path()).isEqualTo("$");
              assertThat(p.problem()).contains("no installed CRD");
            });
  }

  @Test
  void neverLooksAtDiscoveryResources() {
    mesh.resource(
        DISCOVERY, "v1alpha2", "Mesh", "istio-system", "istiod", Map.of("unknownField", 1));

    ConformanceReport report = activities.check("mgmt");

    assertThat(report.resourcesChecked()).isZero();
    assertThat(report.clean()).isTrue();
  }
}
