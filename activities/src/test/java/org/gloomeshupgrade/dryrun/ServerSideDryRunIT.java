package org.gloomeshupgrade.dryrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.gloomeshupgrade.controlplane.ControlPlaneActivitiesImpl;
import org.gloomeshupgrade.controlplane.ControlPlaneInput;
import org.gloomeshupgrade.controlplane.ControlPlaneResult;
import org.gloomeshupgrade.crds.CrdActivitiesImpl;
import org.gloomeshupgrade.crds.CrdApplyInput;
import org.gloomeshupgrade.crds.CrdApplyResult;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.sources.LocalSources;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.RecordedCall;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRD and control-plane writes on a real API server: as a server-side dry run they change
 * nothing (the mock ignores dryRun, so only a real server can show it), and for real our
 * create-or-update works, twice.
 */
class ServerSideDryRunIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private SimulatedGlooMesh sim;
  private KubernetesClients clients;
  private CrdActivitiesImpl crds;
  private ControlPlaneActivitiesImpl controlPlane;

  @BeforeEach
  void start() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
    sim =
        SimulatedGlooMesh.builder()
            .backend(ClusterBackend.API_SERVER)
            .remoteClusters()
            .glooMeshVersion("0.10.10")
            .build();
    clients = new KubernetesClients(sim.kubeconfig(), "mgmt");
    crds = new CrdActivitiesImpl(clients, LocalSources.anyLocalPath());
    controlPlane = new ControlPlaneActivitiesImpl(clients, LocalSources.anyLocalPath());
  }

  @AfterEach
  void stop() {
    if (clients != null) {
      clients.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void aServerSideDryRunOfTheCrdsAndTheControlPlaneChangesNothing() {
    KubernetesClient mgmt = sim.client("mgmt");
    Map<String, JsonNode> before = state(mgmt);
    long journalBefore = lastSequence();

    CrdApplyResult crdResult = crds.dryRun(crdInput());
    ControlPlaneResult planeResult = controlPlane.dryRun(controlPlaneInput());

    assertThat(crdResult.updated()).isNotEmpty();
    assertThat(crdResult.convertedFromV1beta1()).isTrue();
    assertThat(planeResult.applied())
        .contains("Deployment gloo-mesh/discovery", "Deployment gloo-mesh/networking");
    // The diff is the server's own answer against the
    // live object: the image change, no defaulting noise.
    assertThat(planeResult.output())
        .containsPattern(
            "Deployment gloo-mesh/networking would be updated: [^\\n]*replace "
                + "/spec/template/spec/containers/0/image: \"[^\"]*networking:0\\.10\\.10\" -> \"[^\"]*networking:0\\.11\\.3\"")
        .contains("Settings gloo-mesh/settings would be unchanged")
        .doesNotContain("/metadata/resourceVersion")
        .doesNotContain("/status");
    assertThat(state(mgmt)).isEqualTo(before);
    // Every write went out, and each as a dry run: the server validated them and stored nothing.
    assertThat(sim.journal("mgmt").mutating())
        .filteredOn(c -> c.sequence() > journalBefore)
        .hasSizeGreaterThanOrEqualTo(crdResult.updated().size() + planeResult.applied().size())
        .allSatisfy(c -> assertThat(c.isDryRun()).as(c.toString()).isTrue())
        .allSatisfy(c -> assertThat(c.responseCode()).as(c.toString()).isBetween(200, 201));
  }

  @Test
  void aDryRunTheServerRefusesFailsNamingTheObjectAndChangesNothing() throws IOException {
    KubernetesClient mgmt = sim.client("mgmt");
    // The complete set as the cluster has it, with one CRD that no longer
    // lists the version its objects are stored in: a real server refuses it.
    Path folder = Files.createDirectories(tmp.resolve("bad-crds"));
    for (CustomResourceDefinition crd :
        mgmt.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      if (!GlooMeshGroups.isGlooMeshGroup(crd.getSpec().getGroup())) {
        continue;
      }
      if (crd.getMetadata().getName().equals("meshes.discovery.mesh.gloo.solo.io")) {
        crd.getSpec().getVersions().get(0).setName("v9");
      }
      crd.getMetadata().setResourceVersion(null);
      crd.getMetadata().setUid(null);
      crd.getMetadata().setManagedFields(null);
      crd.setStatus(null);
      Files.writeString(
          folder.resolve(crd.getMetadata().getName() + ".yaml"),
          mgmt.getKubernetesSerialization().asYaml(crd));
    }
    Map<String, JsonNode> before = state(mgmt);

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> crds.dryRun(new CrdApplyInput("mgmt", folder.toString(), "0.11.3", 30)));

    assertThat(failure.getType()).isEqualTo(FailureTypes.INVALID_OBJECT);
    assertThat(failure.getOriginalMessage())
        .contains("meshes.discovery.mesh.gloo.solo.io")
        .contains("storedVersions");
    assertUnchanged(before, state(mgmt));
  }

  @Test
  void createOrUpdateOfTheCrdsAndTheControlPlaneWorksAndASecondRunChangesNothingMore() {
    KubernetesClient mgmt = sim.client("mgmt");

    CrdApplyResult first = crds.apply(crdInput());
    controlPlane.upgrade(controlPlaneInput());
    Map<String, JsonNode> afterFirst = state(mgmt);
    CrdApplyResult second = crds.apply(crdInput());
    controlPlane.upgrade(controlPlaneInput());

    assertThat(first.updated()).isNotEmpty();
    assertThat(second.created()).isEmpty();
    assertThat(second.updated())
        .containsExactlyInAnyOrderElementsOf(concat(first.created(), first.updated()));
    assertThat(afterFirst.values())
        .filteredOn(n -> n.path("kind").asText().equals("CustomResourceDefinition"))
        .filteredOn(n -> GlooMeshGroups.isGlooMeshGroup(n.path("spec").path("group").asText()))
        .allSatisfy(
            crd ->
                assertThat(
                        crd.path("metadata")
                            .path("annotations")
                            .path(GlooMeshGroups.CRD_VERSION_ANNOTATION)
                            .asText())
                    .isEqualTo("0.11.3"));
    Deployment networking =
        mgmt.apps().deployments().inNamespace("gloo-mesh").withName("networking").get();
    assertThat(networking.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .endsWith(":0.11.3");
    // The fake controllers write status (and so resourceVersion) on their own;
    // a second write of ours would change generation, labels or annotations.
    assertUnchanged(withoutResourceVersions(afterFirst), withoutResourceVersions(state(mgmt)));
  }

  private static Map<String, JsonNode> withoutResourceVersions(Map<String, JsonNode> state) {
    Map<String, JsonNode> copy = new TreeMap<>();
    state.forEach(
        (key, node) -> {
          ObjectNode c = node.deepCopy();
          ((ObjectNode) c.path("metadata")).remove("resourceVersion");
          copy.put(key, c);
        });
    return copy;
  }

  /** Names what differs, rather than printing two whole snapshots. */
  private static void assertUnchanged(Map<String, JsonNode> before, Map<String, JsonNode> after) {
    assertThat(after.keySet()).isEqualTo(before.keySet());
    for (String key : before.keySet()) {
      assertThat(after.get(key)).as(key).isEqualTo(before.get(key));
    }
  }

  private CrdApplyInput crdInput() {
    return new CrdApplyInput("mgmt", sim.crdFolder("0.11.3").toString(), "0.11.3", 60);
  }

  private ControlPlaneInput controlPlaneInput() {
    return new ControlPlaneInput(
        "mgmt",
        "gloo-mesh",
        InstallMethod.MANIFESTS,
        "gloo-mesh",
        sim.chartFolder("0.11.3").toString(),
        "",
        "0.11.3",
        "discovery",
        "networking");
  }

  private long lastSequence() {
    return sim.journal("mgmt").all().stream().mapToLong(RecordedCall::sequence).max().orElse(0);
  }

  /**
   * What an upgrade may write, by identity: CRDs, and the objects in the Gloo Mesh namespace the
   * chart renders, without the fields the server changes on its own (status, managed fields,
   * times), so equal means unchanged.
   */
  private static Map<String, JsonNode> state(KubernetesClient client) {
    Map<String, JsonNode> state = new TreeMap<>();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .list()
        .getItems()
        .forEach(c -> state.put("crd " + c.getMetadata().getName(), comparable(c)));
    client
        .apps()
        .deployments()
        .inNamespace("gloo-mesh")
        .list()
        .getItems()
        .forEach(d -> state.put("deployment " + d.getMetadata().getName(), comparable(d)));
    client
        .services()
        .inNamespace("gloo-mesh")
        .list()
        .getItems()
        .forEach(s -> state.put("service " + s.getMetadata().getName(), comparable(s)));
    client
        .serviceAccounts()
        .inNamespace("gloo-mesh")
        .list()
        .getItems()
        .forEach(s -> state.put("serviceaccount " + s.getMetadata().getName(), comparable(s)));
    client
        .rbac()
        .clusterRoles()
        .withLabel("app.kubernetes.io/name", "gloo-mesh")
        .list()
        .getItems()
        .forEach(r -> state.put("clusterrole " + r.getMetadata().getName(), comparable(r)));
    return state;
  }

  private static JsonNode comparable(Object resource) {
    ObjectNode node = JSON.valueToTree(resource);
    node.remove("status");
    ObjectNode metadata = (ObjectNode) node.path("metadata");
    metadata.remove(List.of("managedFields", "creationTimestamp"));
    return node;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
