package org.gloomeshupgrade.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.gloomeshupgrade.crds.CrdApplyInput;
import org.gloomeshupgrade.crds.PublishedCrds;
import org.gloomeshupgrade.kube.CrdKind;
import org.gloomeshupgrade.kube.CrdKinds;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MeshFixtures;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.sources.LocalSources;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance check's prediction of pruned fields against what a real kube-apiserver prunes,
 * with the published Gloo Mesh CRDs: objects are stored while the CRDs keep every field, the
 * published 0.12.8 CRDs go on through our CRD step, and the server then rewrites each object. It
 * also pins down when the server prunes: on every read as soon as the new CRD is served, and for
 * good on the next write; so a check that reads the objects after the CRD step, as the workflow's
 * conformance step does, no longer sees what will be lost. And it holds the schema errors the check
 * reports against what the server refuses in a dry run, field by field.
 */
class ConformanceOnApiServerIT {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final String TARGET = "0.12.8";
  private static final String BEFORE = "0.11.3";

  /**
   * What a structural schema has that plain JSON Schema reads otherwise, in one schema of our own.
   */
  private static final String STRUCTURAL_SPECIFICS =
      """
      {"type": "object",
       "properties": {
         "spec": {"type": "object", "required": ["name"], "properties": {
           "name": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
           "port": {"x-kubernetes-int-or-string": true},
           "surge": {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": true},
           "mode": {"type": "string", "enum": ["A", "B"], "nullable": true},
           "optional": {"type": "boolean", "nullable": true},
           "ratio": {"type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": true},
           "timeout": {"type": "string", "format": "duration"},
           "since": {"type": "string", "format": "date-time"},
           "count": {"type": "integer", "format": "int32"},
           "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                        "x-kubernetes-preserve-unknown-fields": true},
           "labels": {"type": "object", "additionalProperties": {"type": "string"}}}},
         "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}
      """;

  private static SimulatedGlooMesh sim;
  private static KubernetesClients clients;
  private static KubernetesClient client;

  @TempDir static Path scratch;

  @BeforeAll
  static void start() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    assumeTrue(
        PublishedCrds.folder() != null,
        "the published CRDs (shared/gloo-mesh-crds) are not on this machine");
    sim = SimulatedGlooMesh.builder().backend(ClusterBackend.API_SERVER).remoteClusters().build();
    clients = new KubernetesClients(sim.kubeconfig(), "mgmt");
    client = sim.client("mgmt");
    // Where an upgrade stands at the conformance step. It matters here too:
    // running networking writes status on every networking and settings
    // object, and any write stores the object as the server now reads it.
    for (String deployment : List.of("networking", "discovery")) {
      client.apps().deployments().inNamespace(sim.namespace()).withName(deployment).scale(0);
    }
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

  @Test
  void predictsExactlyTheFieldsTheServerDropsWhenItRewritesEachObject() {
    CrdSwitch crds = new CrdSwitch(clients, "mgmt", scratch);
    crds.installSchemaless(BEFORE);
    String ns = namespace("pruning");
    Fixtures.create(client, ns);
    // Every user-configuration object, the seeded ones
    // too: the comparison covers all the check reads.
    List<GenericKubernetesResource> stored = userConfiguration();

    crds.installPublished(TARGET);
    List<CrdKind> installed = CrdKinds.ofGroups(client, "mgmt", GlooMeshGroups.ALL);
    Set<String> predicted = new TreeSet<>();
    Set<String> dropped = new TreeSet<>();
    List<String> addedOrChanged = new ArrayList<>();
    for (GenericKubernetesResource before : stored) {
      ConformanceActivitiesImpl.check(before, installed).stream()
          .filter(p -> p.hint().contains("would drop"))
          .forEach(
              p -> predicted.add(p.kind() + " " + p.namespace() + "/" + p.name() + " " + p.path()));
      // The user applies the object again as it was: the
      // server prunes it with the new schema and stores it.
      RemovedFields diff =
          RemovedFields.between(JSON.valueToTree(before), JSON.valueToTree(rewrite(before)));
      diff.removed().forEach(path -> dropped.add(id(before) + " " + path));
      diff.addedOrChanged().forEach(path -> addedOrChanged.add(id(before) + " " + path));
    }

    assertThat(dropped).containsAll(Fixtures.dropped(ns));
    assertThat(dropped).doesNotContainAnyElementsOf(Fixtures.kept(ns));
    assertThat(predicted).isEqualTo(dropped);
    assertThat(addedOrChanged).as("pruning only removes fields").isEmpty();
  }

  @Test
  void theServerHidesFieldsTheNewSchemaLacksOnReadAndLosesThemOnTheNextWrite() {
    CrdSwitch crds = new CrdSwitch(clients, "mgmt", scratch);
    crds.installSchemaless(BEFORE);
    String ns = namespace("read-pruning");
    Fixtures.create(client, ns);

    crds.installPublished(TARGET);
    assertThat(settingsSpec(ns)).containsKey("mtls").doesNotContainKey("istio");

    // Nothing was written: with the old CRDs back the stored field reads again.
    crds.installSchemaless(BEFORE);
    assertThat(settingsSpec(ns)).containsKey("istio");

    // Any write stores the object as read: kubectl annotate,
    // a controller's status update, a helm upgrade.
    crds.installPublished(TARGET);
    settings(ns)
        .edit(
            s -> {
              s.getMetadata().setAnnotations(Map.of("touched-by", "conformance-it"));
              return s;
            });
    crds.installSchemaless(BEFORE);
    assertThat(settingsSpec(ns)).containsKey("mtls").doesNotContainKey("istio");
  }

  @Test
  void aCheckRunAfterTheNewCrdsAreInstalledCannotSeeWhatTheyWillDrop() {
    CrdSwitch crds = new CrdSwitch(clients, "mgmt", scratch);
    crds.installSchemaless(BEFORE);
    String ns = namespace("late-check");
    Fixtures.create(client, ns);
    List<GenericKubernetesResource> stored =
        userConfiguration().stream()
            .filter(r -> ns.equals(r.getMetadata().getNamespace()))
            .toList();

    crds.installPublished(TARGET);
    List<CrdKind> installed = CrdKinds.ofGroups(client, "mgmt", GlooMeshGroups.ALL);
    ConformanceReport late =
        new ConformanceActivitiesImpl(clients, LocalSources.anyLocalPath()).check("mgmt");

    // The workflow checks conformance after its CRD step;
    // by then the server serves every object pruned.
    assertThat(late.problems()).noneMatch(p -> ns.equals(p.namespace()));
    assertThat(stored)
        .flatMap(r -> ConformanceActivitiesImpl.check(r, installed))
        .extracting(ConformanceProblem::path)
        .contains("$.spec.istio", "$.spec.retries.retryOn");
  }

  /**
   * What preflight does instead: the target's CRDs read from the CRD source, the objects as still
   * stored.
   */
  @Test
  void theCheckBeforeTheUpgradeReportsExactlyWhatTheServerDropsAfterIt() {
    CrdSwitch crds = new CrdSwitch(clients, "mgmt", scratch);
    crds.installSchemaless(BEFORE);
    String ns = namespace("preflight-check");
    Fixtures.create(client, ns);
    List<GenericKubernetesResource> stored =
        userConfiguration().stream()
            .filter(r -> ns.equals(r.getMetadata().getNamespace()))
            .toList();

    ConformanceReport early =
        new ConformanceActivitiesImpl(clients, LocalSources.anyLocalPath())
            .checkAgainstTarget(
                new CrdApplyInput("mgmt", PublishedCrds.management(TARGET).toString(), TARGET, 60));
    Set<String> predicted = new TreeSet<>();
    early.problems().stream()
        .filter(p -> ns.equals(p.namespace()) && p.hint().contains("would drop"))
        .forEach(
            p -> predicted.add(p.kind() + " " + p.namespace() + "/" + p.name() + " " + p.path()));

    crds.installPublished(TARGET);
    Set<String> dropped = new TreeSet<>();
    for (GenericKubernetesResource before : stored) {
      RemovedFields.between(JSON.valueToTree(before), JSON.valueToTree(rewrite(before)))
          .removed()
          .forEach(path -> dropped.add(id(before) + " " + path));
    }
    assertThat(dropped).containsAll(Fixtures.dropped(ns));
    assertThat(predicted).isEqualTo(dropped);
  }

  @Test
  void theServerRefusesExactlyTheFieldsTheCheckReportsAsRefused() {
    CrdSwitch crds = new CrdSwitch(clients, "mgmt", scratch);
    crds.installPublished(TARGET);
    String ns = namespace("schema-checks");
    List<CrdKind> installed = CrdKinds.ofGroups(client, "mgmt", GlooMeshGroups.ALL);
    String policy =
        """
        {"destinationSelector": [{"kubeServiceRefs": {"services": [{"name": "reviews", "namespace": "bookinfo"}]}}],
         "httpRequestMatchers": [{"prefix": "/reviews", "method": {"method": "GET"}}],
         "retries": {"attempts": 3, "perTryTimeout": "2s"},
         "trafficShift": {"destinations": [
           {"kubeService": {"name": "reviews", "namespace": "bookinfo"}, "weight": 50}]},
         "corsPolicy": {"allowOrigins": [{"exact": "https://example.com"}]}}
        """;
    record Case(String kind, String spec) {}
    Map<String, Case> cases = new LinkedHashMap<>();
    cases.put("conforming", new Case("TrafficPolicy", policy));
    cases.put(
        "enum",
        new Case(
            "TrafficPolicy", with(policy, "/httpRequestMatchers/0/method", "method", "\"FETCH\"")));
    cases.put("type", new Case("TrafficPolicy", with(policy, "/retries", "attempts", "\"three\"")));
    cases.put(
        "minimum",
        new Case("TrafficPolicy", with(policy, "/trafficShift/destinations/0", "weight", "-1")));
    cases.put(
        "oneof",
        new Case("TrafficPolicy", with(policy, "/httpRequestMatchers/0", "exact", "\"/r\"")));
    // allowCredentials is nullable; attempts is not,
    // and the server drops its null before validating.
    cases.put(
        "nulls",
        new Case(
            "TrafficPolicy",
            with(
                with(policy, "/corsPolicy", "allowCredentials", "null"),
                "/retries",
                "attempts",
                "null")));
    // permissive has maxProperties: 0; the server prunes x first.
    cases.put(
        "pruned-then-valid",
        new Case(
            "VirtualMesh",
            """
        {"federation": {"permissive": {"x": 1}}}"""));
    cases.put(
        "virtual-mesh-enum",
        new Case(
            "VirtualMesh",
            """
        {"globalAccessPolicy": "ON"}"""));
    cases.put(
        "settings-enum",
        new Case(
            "Settings",
            """
        {"mtls": {"istio": {"tlsMode": "STRICT"}}}"""));
    cases.put(
        "oneof-in-allof",
        new Case(
            "WasmDeployment",
            """
        {"filters": [{"localPathSource": "/a.wasm", "httpUriSource": {"uri": "https://example.com/a.wasm"}}]}"""));

    Map<String, Set<String>> reported = new TreeMap<>();
    Map<String, Set<String>> refused = new TreeMap<>();
    cases.forEach(
        (name, c) -> {
          CrdKind kind =
              installed.stream().filter(k -> k.kind().equals(c.kind())).findFirst().orElseThrow();
          GenericKubernetesResource r =
              new GenericKubernetesResourceBuilder()
                  .withApiVersion(kind.group() + "/" + kind.version())
                  .withKind(kind.kind())
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(ns)
                  .endMetadata()
                  .build();
          r.setAdditionalProperty("spec", JSON.convertValue(read(c.spec()), Map.class));
          reported.put(
              name,
              new TreeSet<>(
                  ConformanceActivitiesImpl.check(r, installed).stream()
                      .filter(p -> !p.hint().contains("would drop"))
                      .map(p -> JsonPaths.name(p.path()))
                      .toList()));
          refused.put(name, DryRunRefusals.fields(client, kind.context(), r));
        });

    assertThat(reported).isEqualTo(refused);
    assertThat(refused.get("conforming")).isEmpty();
    assertThat(refused.get("nulls")).isEmpty();
    assertThat(refused.get("pruned-then-valid")).isEmpty();
    assertThat(refused.get("enum")).containsExactly("spec.httpRequestMatchers[0].method.method");
  }

  @Test
  void theServerAgreesOnWhatStructuralSchemasMeanBeyondPlainJsonSchema() {
    String group = "schema-checks.gloo-mesh-upgrade.test";
    CustomResourceDefinition crd =
        JSON.convertValue(
            read(
                """
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "examples.%s"},
         "spec": {"group": "%s", "scope": "Namespaced",
                  "names": {"kind": "Example", "plural": "examples", "singular": "example", "listKind": "ExampleList"},
                  "versions": [{"name": "v1", "served": true, "storage": true,
                                "subresources": {"status": {}}, "schema": {"openAPIV3Schema": %s}}]}}
        """
                    .formatted(group, group, STRUCTURAL_SPECIFICS)),
            CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    ResourceDefinitionContext context =
        new ResourceDefinitionContext.Builder()
            .withGroup(group)
            .withVersion("v1")
            .withPlural("examples")
            .withKind("Example")
            .withNamespaced(true)
            .build();
    String ns = namespace("structural-specifics");
    String conforming =
        """
        {"name": "web", "port": 8080, "surge": "25%", "mode": "A", "optional": null, "ratio": 0.5,
         "timeout": "1h30m", "since": "2021-03-04T05:06:07Z", "count": 99999999999,
         "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"any": 1}},
         "labels": {"app": "web"}}
        """;
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("conforming", conforming);
    cases.put("port-as-name", with(with(conforming, "", "port", "\"http\""), "", "surge", "1"));
    cases.put("required", without(conforming, "name"));
    cases.put("pattern", with(conforming, "", "name", "\"Web_1\""));
    cases.put("int-or-string", with(with(conforming, "", "port", "true"), "", "surge", "false"));
    cases.put("enum", with(conforming, "", "mode", "\"C\""));
    cases.put("null-in-a-nullable-enum", with(conforming, "", "mode", "null"));
    cases.put("null-not-nullable", with(conforming, "", "ratio", "null"));
    cases.put("exclusive-maximum", with(conforming, "", "ratio", "1"));
    cases.put(
        "embedded-without-kind",
        with(conforming, "", "template", "{\"apiVersion\": \"v1\", \"spec\": {}}"));
    cases.put("map-value", with(conforming, "", "labels", "{\"app\": 1}"));
    // Let the server serve the new kind before asking it anything.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> DryRunRefusals.fields(client, context, example(ns, "probe", conforming)) != null);

    Map<String, Set<String>> reported = new TreeMap<>();
    Map<String, Set<String>> refused = new TreeMap<>();
    JsonNode schema =
        JSON.valueToTree(
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("examples." + group)
                .get()
                .getSpec()
                .getVersions()
                .get(0)
                .getSchema()
                .getOpenAPIV3Schema());
    cases.forEach(
        (name, spec) -> {
          GenericKubernetesResource r = example(ns, name, spec);
          reported.put(
              name,
              new TreeSet<>(
                  SchemaConformance.check(JSON.valueToTree(r), schema, false).stream()
                      .filter(p -> !p.hint().contains("would drop"))
                      .map(p -> JsonPaths.name(p.path()))
                      .toList()));
          refused.put(name, DryRunRefusals.fields(client, context, r));
        });

    assertThat(reported).isEqualTo(refused);
    assertThat(refused.get("conforming")).isEmpty();
    assertThat(refused.get("port-as-name")).isEmpty();
    assertThat(refused.get("null-in-a-nullable-enum")).containsExactly("spec.mode");
    assertThat(refused.get("null-not-nullable")).isEmpty();
    // The one known difference: formats only annotate here, and the server does check date-time.
    GenericKubernetesResource noZone =
        example(ns, "no-zone", with(conforming, "", "since", "\"2021-03-04T05:06:07\""));
    assertThat(DryRunRefusals.fields(client, context, noZone)).containsExactly("spec.since");
    assertThat(SchemaConformance.check(JSON.valueToTree(noZone), schema, false)).isEmpty();
  }

  private static GenericKubernetesResource example(String ns, String name, String spec) {
    GenericKubernetesResource r =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("schema-checks.gloo-mesh-upgrade.test/v1")
            .withKind("Example")
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata()
            .build();
    r.setAdditionalProperty("spec", JSON.convertValue(read(spec), Map.class));
    return r;
  }

  private static String without(String json, String field) {
    ObjectNode tree = (ObjectNode) read(json);
    tree.remove(field);
    return tree.toString();
  }

  private static String with(String json, String pointer, String field, String value) {
    JsonNode tree = read(json);
    ((ObjectNode) tree.at(pointer)).set(field, read(value));
    return tree.toString();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static Resource<GenericKubernetesResource> settings(String ns) {
    return client
        .genericKubernetesResources(
            MeshFixtures.context(GlooMeshGroups.SETTINGS, "v1alpha2", "Settings"))
        .inNamespace(ns)
        .withName(Fixtures.SETTINGS_NAME);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> settingsSpec(String ns) {
    return (Map<String, Object>) settings(ns).get().getAdditionalProperties().get("spec");
  }

  private static GenericKubernetesResource rewrite(GenericKubernetesResource before) {
    GenericKubernetesResource again =
        JSON.convertValue(JSON.valueToTree(before), GenericKubernetesResource.class);
    again.getMetadata().setResourceVersion(null);
    again.getMetadata().setManagedFields(null);
    return client
        .genericKubernetesResources(contextOf(before))
        .inNamespace(before.getMetadata().getNamespace())
        .resource(again)
        .update();
  }

  private static List<GenericKubernetesResource> userConfiguration() {
    List<GenericKubernetesResource> all = new ArrayList<>();
    for (CrdKind kind : CrdKinds.ofGroups(client, "mgmt", GlooMeshGroups.USER_CONFIGURATION)) {
      all.addAll(CrdKinds.list(client, "mgmt", kind));
    }
    return all;
  }

  private static ResourceDefinitionContext contextOf(GenericKubernetesResource r) {
    return CrdKinds.ofGroups(client, "mgmt", GlooMeshGroups.USER_CONFIGURATION).stream()
        .filter(
            k ->
                (k.group() + "/" + k.version()).equals(r.getApiVersion())
                    && k.kind().equals(r.getKind()))
        .findFirst()
        .orElseThrow()
        .context();
  }

  private static String id(GenericKubernetesResource r) {
    return r.getKind() + " " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }

  private static String namespace(String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }
}
