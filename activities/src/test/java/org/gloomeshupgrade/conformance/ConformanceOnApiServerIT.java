package org.gloomeshupgrade.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.gloomeshupgrade.crds.PublishedCrds;
import org.gloomeshupgrade.kube.CrdKind;
import org.gloomeshupgrade.kube.CrdKinds;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MeshFixtures;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance check's prediction of pruned fields against what a real kube-apiserver prunes, with the
 * published Gloo Mesh CRDs: objects are stored while the CRDs keep every field, the published 0.12.8 CRDs
 * go on through our CRD step, and the server then rewrites each object. It also pins down when the server
 * prunes: on every read as soon as the new CRD is served, and for good on the next write; so a check that reads
 * the objects after the CRD step, as the workflow's conformance step does, no longer sees what will be lost.
 */
class ConformanceOnApiServerIT {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final String TARGET = "0.12.8";
  private static final String BEFORE = "0.11.3";

  private static SimulatedGlooMesh sim;
  private static KubernetesClients clients;
  private static KubernetesClient client;

  @TempDir static Path scratch;

  @BeforeAll
  static void start() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    assumeTrue(PublishedCrds.folder() != null, "the published CRDs (shared/gloo-mesh-crds) are not on this machine");
    sim = SimulatedGlooMesh.builder().backend(ClusterBackend.API_SERVER).remoteClusters().build();
    clients = new KubernetesClients(sim.kubeconfig(), "mgmt");
    client = sim.client("mgmt");
    // Where an upgrade stands at the conformance step. It matters here too: running networking writes status
    // on every networking and settings object, and any write stores the object as the server now reads it.
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
    // Every user-configuration object, the seeded ones too: the comparison covers all the check reads.
    List<GenericKubernetesResource> stored = userConfiguration();

    crds.installPublished(TARGET);
    List<CrdKind> installed = CrdKinds.ofGroups(client, "mgmt", GlooMeshGroups.ALL);
    Set<String> predicted = new TreeSet<>();
    Set<String> dropped = new TreeSet<>();
    List<String> addedOrChanged = new ArrayList<>();
    for (GenericKubernetesResource before : stored) {
      ConformanceActivitiesImpl.check(before, installed).stream()
          .filter(p -> p.hint().contains("would drop"))
          .forEach(p -> predicted.add(p.kind() + " " + p.namespace() + "/" + p.name() + " " + p.path()));
      // The user applies the object again as it was: the server prunes it with the new schema and stores it.
      RemovedFields diff = RemovedFields.between(JSON.valueToTree(before), JSON.valueToTree(rewrite(before)));
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

    // Any write stores the object as read: kubectl annotate, a controller's status update, a helm upgrade.
    crds.installPublished(TARGET);
    settings(ns).edit(s -> {
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
    List<GenericKubernetesResource> stored = userConfiguration().stream()
        .filter(r -> ns.equals(r.getMetadata().getNamespace())).toList();

    crds.installPublished(TARGET);
    List<CrdKind> installed = CrdKinds.ofGroups(client, "mgmt", GlooMeshGroups.ALL);
    ConformanceReport late = new ConformanceActivitiesImpl(clients).check("mgmt");

    // The workflow checks conformance after its CRD step; by then the server serves every object pruned.
    assertThat(late.problems()).noneMatch(p -> ns.equals(p.namespace()));
    assertThat(stored).flatMap(r -> ConformanceActivitiesImpl.check(r, installed))
        .extracting(ConformanceProblem::path).contains("$.spec.istio", "$.spec.retries.retryOn");
  }

  private static Resource<GenericKubernetesResource> settings(String ns) {
    return client.genericKubernetesResources(MeshFixtures.context(GlooMeshGroups.SETTINGS, "v1alpha2", "Settings"))
        .inNamespace(ns).withName(Fixtures.SETTINGS_NAME);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> settingsSpec(String ns) {
    return (Map<String, Object>) settings(ns).get().getAdditionalProperties().get("spec");
  }

  private static GenericKubernetesResource rewrite(GenericKubernetesResource before) {
    GenericKubernetesResource again = JSON.convertValue(JSON.valueToTree(before), GenericKubernetesResource.class);
    again.getMetadata().setResourceVersion(null);
    again.getMetadata().setManagedFields(null);
    return client.genericKubernetesResources(contextOf(before)).inNamespace(before.getMetadata().getNamespace())
        .resource(again).update();
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
        .filter(k -> (k.group() + "/" + k.version()).equals(r.getApiVersion()) && k.kind().equals(r.getKind()))
        .findFirst().orElseThrow().context();
  }

  private static String id(GenericKubernetesResource r) {
    return r.getKind() + " " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }

  private static String namespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }
}
