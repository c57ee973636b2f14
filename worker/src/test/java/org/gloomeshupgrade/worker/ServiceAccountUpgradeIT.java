package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.gloomeshupgrade.worker.FixtureResources.KUBERNETES_CLUSTERS;
import static org.gloomeshupgrade.worker.FixtureResources.RBAC_ROLES;
import static org.gloomeshupgrade.worker.FixtureResources.RBAC_ROLE_BINDINGS;
import static org.gloomeshupgrade.worker.FixtureResources.TRAFFIC_POLICIES;
import static org.gloomeshupgrade.worker.FixtureResources.WASM_DEPLOYMENTS;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitRestore;
import static org.gloomeshupgrade.worker.UpgradeHarness.awaitStatus;
import static org.gloomeshupgrade.worker.UpgradeHarness.restoreResult;
import static org.gloomeshupgrade.worker.UpgradeHarness.result;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.gloomeshupgrade.backup.GlooMeshRestoreWorkflow;
import org.gloomeshupgrade.backup.RestoreRequest;
import org.gloomeshupgrade.backup.RestoreResult;
import org.gloomeshupgrade.backup.RestoreState;
import org.gloomeshupgrade.backup.RestoreStatus;
import org.gloomeshupgrade.registration.RemoteAccessRole;
import org.gloomeshupgrade.testkit.AuditedAccess;
import org.gloomeshupgrade.testkit.ClusterBackend;
import org.gloomeshupgrade.testkit.ConfigurationSnapshot;
import org.gloomeshupgrade.testkit.GlooMeshFixtures;
import org.gloomeshupgrade.testkit.KubeServerBinaries;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepState;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker as a ServiceAccount bound only to what deploy/rbac ships, on real API servers
 * enforcing RBAC: those permissions are enough for the upgrades and the restore; a rule removed
 * stops the run before any change, naming it; and, read from the servers' audit logs, the runs
 * needed nothing more and used every grant but those listed with a reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceAccountUpgradeIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path RBAC = DeployRbacTest.RBAC;
  private static final String NAMESPACE = "gloo-mesh-upgrade";
  private static final String ACCOUNT = "gloo-mesh-upgrade-worker";
  private static final String WORKER_USER = "system:serviceaccount:" + NAMESPACE + ":" + ACCOUNT;

  /** What the worker's account did on each cluster, by the shipped file that grants it. */
  private static final Map<String, Set<AuditedAccess>> OBSERVED = new ConcurrentHashMap<>();

  @RegisterExtension final SimulatedUpgrade simulation = new SimulatedUpgrade();

  /**
   * Read as the administrator, not the worker's account, so the snapshot sees everything whatever
   * is granted.
   */
  private ConfigurationSnapshot configurationBefore;

  @BeforeEach
  void needsTheServers() {
    assumeTrue(KubeServerBinaries.available(), KubeServerBinaries.INSTALL_HINT);
  }

  /** mgmt and two remotes on real API servers; the control plane as bare objects unless given. */
  private static SimulatedGlooMesh.Builder clusters() {
    return SimulatedGlooMesh.builder()
        .backend(ClusterBackend.API_SERVER)
        .remoteClusters("cluster-1", "cluster-2")
        .discoveryDelay(Duration.ofMillis(300));
  }

  private SimulatedGlooMesh simulate(SimulatedGlooMesh.Builder clusters) {
    SimulatedGlooMesh sim = simulation.simulate(clusters);
    configurationBefore = ConfigurationSnapshot.capture(sim.client("mgmt"));
    return sim;
  }

  /** Adds what the worker did in this test to what the comparison with deploy/rbac reads. */
  private static void observe(SimulatedGlooMesh sim) {
    for (String cluster : sim.clusters()) {
      String file = cluster.equals("mgmt") ? "management-cluster.yaml" : "remote-cluster.yaml";
      sim.auditedAccesses(cluster).stream()
          .filter(a -> a.user().equals(WORKER_USER))
          .forEach(a -> OBSERVED.computeIfAbsent(file, f -> ConcurrentHashMap.newKeySet()).add(a));
    }
  }

  private void assertConfigurationUnchanged() {
    ConfigurationSnapshot.assertUnchanged(
        configurationBefore, ConfigurationSnapshot.capture(simulation.sim().client("mgmt")));
  }

  @Test
  void theShippedPermissionsAreEnoughForAWholeUpgrade() throws IOException {
    SimulatedGlooMesh sim = simulate(clusters());
    grant("mgmt", "management-cluster.yaml", rule -> true);
    for (String remote : sim.remoteClusters()) {
      grant(remote, "remote-cluster.yaml", rule -> true);
    }
    Path kubeconfig = sim.serviceAccountKubeconfig(NAMESPACE, ACCOUNT);
    UpgradeHarness harness = simulation.startHarness(kubeconfig);

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    UpgradeStatus waiting = awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(waiting.warnings()).noneMatch(w -> w.contains("without an answer"));
    long approvalAt = PodCreations.nextSequence(sim.journal("mgmt"));
    wf.approve(new Approval("alice", "CHG-7", wf.status().gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.steps())
        .allSatisfy(s -> assertThat(s.state()).as(s.toString()).isEqualTo(StepState.SUCCEEDED));
    assertThat(sim.journal("mgmt").mutating()).isNotEmpty();
    PodCreations.assertNoneFromTheScaleDownUntilTheApproval(
        sim.journal("mgmt"), "networking", approvalAt);
    assertConfigurationUnchanged();
    observe(sim);
    // The identity really was limited: it may not delete a networking resource. Tried after
    // observe, which must see only what the worker did.
    try (KubernetesClient worker = clientFor(kubeconfig)) {
      assertThatThrownBy(
              () ->
                  worker
                      .genericKubernetesResources(
                          "networking.mesh.gloo.solo.io/v1alpha2", "TrafficPolicy")
                      .inNamespace("gloo-mesh")
                      .withName("mgmt-retries")
                      .delete())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  /**
   * The request most users send, twice, then a restore: the defaults, so the control plane is a
   * Helm release upgraded with helm and the remotes are registered natively. The remotes carry what
   * an earlier registration left (the old wide role, a token Secret of the wrong type, a binding to
   * another role or subject), which registration repairs; the second upgrade goes to a later
   * version, finds a registration pointed elsewhere and removes the first upgrade's backup; the
   * restore puts back what was lost and edited in each configuration group.
   */
  @Test
  void theShippedPermissionsAreEnoughForTheDefaultRequestTwiceAndARestore() throws IOException {
    SimulatedGlooMesh sim = simulate(clusters().installedWithHelm());
    grant("mgmt", "management-cluster.yaml", rule -> true);
    for (String remote : sim.remoteClusters()) {
      grant(remote, "remote-cluster.yaml", rule -> true);
    }
    leftByAnEarlierRegistration(sim);
    // One backup kept, so the second upgrade removes the first one's.
    UpgradeHarness harness =
        simulation.startHarness(
            sim.serviceAccountKubeconfig(NAMESPACE, ACCOUNT),
            clients -> UpgradeWorker.activities(clients, null, 1, UpgradeHarness.trusted(sim)));
    var request = harness.request("0.11.3");
    assertThat(request.has("installMethod")).as("the default install method").isFalse();
    assertThat(request.has("registrationMethod")).as("the default registration").isFalse();

    String firstBackup =
        upgradeToGreen(sim, harness, request, "release gloo-mesh/gloo-mesh revision 1 to 2");
    for (String remote : sim.remoteClusters()) {
      KubernetesClient admin = sim.client(remote);
      assertThat(admin.rbac().clusterRoles().withName(RemoteAccessRole.NAME).get().getRules())
          .as("Gloo Mesh's own narrow role on %s, not the wide one left there", remote)
          .isEqualTo(RemoteAccessRole.rules());
      var binding =
          admin
              .rbac()
              .clusterRoleBindings()
              .withName(remote + "-gloomesh-remote-access-clusterrole-binding")
              .get();
      assertThat(binding.getRoleRef().getName()).isEqualTo(RemoteAccessRole.NAME);
      assertThat(binding.getSubjects())
          .singleElement()
          .satisfies(s -> assertThat(s.getName()).isEqualTo(remote));
      assertThat(
              admin.secrets().inNamespace("gloo-mesh").withName(remote + "-token").get().getType())
          .isEqualTo("kubernetes.io/service-account-token");
    }

    // In each configuration group something lost and something edited by hand; the restore of the
    // first upgrade's backup, asked by alice, approved by bob, puts back that run's starting state.
    KubernetesClient admin = sim.client("mgmt");
    delete(admin, TRAFFIC_POLICIES, "gloo-mesh", "mgmt-retries");
    edit(
        admin,
        TRAFFIC_POLICIES,
        GlooMeshFixtures.APP_NAMESPACE,
        "reviews-shift",
        "requestTimeout",
        "99s");
    delete(admin, WASM_DEPLOYMENTS, GlooMeshFixtures.APP_NAMESPACE, "reviews-header-filter");
    delete(admin, RBAC_ROLES, "gloo-mesh", "admin-role");
    edit(admin, RBAC_ROLE_BINDINGS, "gloo-mesh", "admin-role-binding", "subjects", List.of());
    GlooMeshRestoreWorkflow restore =
        harness.startRestore(
            new RestoreRequest("mgmt", "", firstBackup, "alice", "CHG-9", List.of(), false, ""));
    RestoreStatus waiting = awaitRestore(restore, RestoreState.AWAITING_APPROVAL);
    restore.approve(new Approval("bob", "put it back", waiting.gate()));
    RestoreResult restored = restoreResult(restore);

    assertThat(restored.created())
        .containsExactlyInAnyOrder(
            "TrafficPolicy gloo-mesh/mgmt-retries",
            "WasmDeployment " + GlooMeshFixtures.APP_NAMESPACE + "/reviews-header-filter",
            "Role gloo-mesh/admin-role");
    assertThat(restored.updated())
        .containsExactlyInAnyOrder(
            "TrafficPolicy " + GlooMeshFixtures.APP_NAMESPACE + "/reviews-shift",
            "RoleBinding gloo-mesh/admin-role-binding");
    assertConfigurationUnchanged();

    // Someone pointed a registration at another Secret; the next registration points it back. The
    // second upgrade, to a later version, removes the first upgrade's backup.
    registrationSecretName(sim, "cluster-1", "cluster-1-old");
    String secondBackup =
        upgradeToGreen(
            sim, harness, harness.request("0.12.8"), "release gloo-mesh/gloo-mesh revision 2 to 3");
    assertThat(registrationSecretName(sim, "cluster-1", null)).isEqualTo("cluster-1");
    assertThat(secondBackup).isNotEqualTo(firstBackup);
    assertThat(backupIdsOnMgmt()).containsExactly(secondBackup);
    observe(sim);
  }

  /**
   * On cluster-1, the wide role an earlier version of this tool created, a token Secret of the
   * wrong type and a binding to the right role for another account; on cluster-2, a binding to
   * another role.
   */
  private static void leftByAnEarlierRegistration(SimulatedGlooMesh sim) {
    for (String remote : sim.remoteClusters()) {
      sim.client(remote)
          .rbac()
          .clusterRoles()
          .resource(
              new ClusterRoleBuilder()
                  .withNewMetadata()
                  .withName(RemoteAccessRole.NAME)
                  .endMetadata()
                  .addNewRule()
                  .withApiGroups("*")
                  .withResources("*")
                  .withVerbs("*")
                  .endRule()
                  .build())
          .create();
    }
    KubernetesClient one = sim.client("cluster-1");
    one.secrets()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("cluster-1-token")
                .withNamespace("gloo-mesh")
                .endMetadata()
                .withType("Opaque")
                .addToStringData("token", "made by hand")
                .build())
        .create();
    one.rbac()
        .clusterRoleBindings()
        .resource(binding("cluster-1", RemoteAccessRole.NAME, "someone-else"))
        .create();
    sim.client("cluster-2")
        .rbac()
        .clusterRoleBindings()
        .resource(binding("cluster-2", "view", "cluster-2"))
        .create();
  }

  private static ClusterRoleBinding binding(String cluster, String role, String account) {
    return new ClusterRoleBindingBuilder()
        .withNewMetadata()
        .withName(cluster + "-gloomesh-remote-access-clusterrole-binding")
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole")
        .withName(role)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(account)
        .withNamespace("gloo-mesh")
        .endSubject()
        .build();
  }

  /** The registration's spec.secretName, after setting it to {@code set} unless null. */
  private static String registrationSecretName(SimulatedGlooMesh sim, String cluster, String set) {
    var clusters =
        sim.client("mgmt")
            .genericKubernetesResources(KUBERNETES_CLUSTERS)
            .inNamespace("gloo-mesh")
            .withName(cluster);
    if (set != null) {
      clusters.edit(
          c -> {
            @SuppressWarnings("unchecked")
            var spec = (Map<String, Object>) c.getAdditionalProperties().get("spec");
            spec.put("secretName", set);
            return c;
          });
    }
    @SuppressWarnings("unchecked")
    var spec = (Map<String, Object>) clusters.get().getAdditionalProperties().get("spec");
    return (String) spec.get("secretName");
  }

  private static void delete(
      KubernetesClient client, ResourceDefinitionContext kind, String namespace, String name) {
    assertThat(
            client.genericKubernetesResources(kind).inNamespace(namespace).withName(name).delete())
        .as("%s %s/%s deleted", kind.getKind(), namespace, name)
        .isNotEmpty();
  }

  private static void edit(
      KubernetesClient client,
      ResourceDefinitionContext kind,
      String namespace,
      String name,
      String field,
      Object value) {
    client
        .genericKubernetesResources(kind)
        .inNamespace(namespace)
        .withName(name)
        .edit(
            r -> {
              @SuppressWarnings("unchecked")
              var spec = (Map<String, Object>) r.getAdditionalProperties().get("spec");
              spec.put(field, value);
              return r;
            });
  }

  /** One upgrade approved by alice, to green; the ID of the backup it took. */
  private static String upgradeToGreen(
      SimulatedGlooMesh sim, UpgradeHarness harness, ObjectNode request, String controlPlane) {
    long startedAt = PodCreations.nextSequence(sim.journal("mgmt"));
    GlooMeshUpgradeWorkflow wf = harness.start(request);
    UpgradeStatus waiting = awaitStatus(wf, s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(waiting.warnings()).noneMatch(w -> w.contains("without an answer"));
    long approvalAt = PodCreations.nextSequence(sim.journal("mgmt"));
    wf.approve(new Approval("alice", "CHG-8", waiting.gate()));
    UpgradeReport report = result(wf);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(RunState.SUCCEEDED);
    assertThat(report.steps())
        .allSatisfy(s -> assertThat(s.state()).as(s.toString()).isEqualTo(StepState.SUCCEEDED));
    assertThat(report.steps())
        .filteredOn(s -> s.step() == Step.CONTROL_PLANE)
        .singleElement()
        .satisfies(s -> assertThat(s.detail()).contains(controlPlane));
    PodCreations.assertNoneFromTheScaleDownUntilTheApproval(
        sim.journal("mgmt"), "networking", startedAt, approvalAt);
    return wf.status().backupId();
  }

  private List<String> backupIdsOnMgmt() {
    return simulation
        .sim()
        .client("mgmt")
        .secrets()
        .inNamespace("gloo-mesh")
        .withLabel("gloo-mesh-upgrade.io/backup")
        .list()
        .getItems()
        .stream()
        .map(s -> s.getMetadata().getAnnotations().get("gloo-mesh-upgrade.io/backup-id"))
        .distinct()
        .toList();
  }

  @Test
  void withoutAKindTheChartWritesTheToolingStepStopsNamingItBeforeAnyChange() throws IOException {
    SimulatedGlooMesh sim = simulate(clusters());
    // The shipped rule for core kinds, without services:
    // preflight's own checks pass, the chart needs them.
    grant(
        "mgmt",
        "management-cluster.yaml",
        rule -> {
          if (rule.path("resources").toString().contains("\"services\"")) {
            ArrayNode resources = YAML.createArrayNode();
            rule.path("resources")
                .forEach(
                    r -> {
                      if (!r.asText().equals("services")) {
                        resources.add(r);
                      }
                    });
            ((ObjectNode) rule).set("resources", resources);
          }
          return true;
        });
    for (String remote : sim.remoteClusters()) {
      grant(remote, "remote-cluster.yaml", rule -> true);
    }
    UpgradeHarness harness =
        simulation.startHarness(sim.serviceAccountKubeconfig(NAMESPACE, ACCOUNT));

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.TOOLING);
    assertThat(stuck.attention())
        .contains("create services in gloo-mesh on mgmt")
        .contains("update services in gloo-mesh on mgmt")
        .contains("Nothing was changed");
    for (String cluster : sim.clusters()) {
      assertThat(sim.journal(cluster).mutating()).as(cluster).isEmpty();
    }
    assertConfigurationUnchanged();
  }

  @Test
  void withOneShippedRuleRemovedPreflightStopsNamingTheMissingPermissionBeforeAnyChange()
      throws IOException {
    SimulatedGlooMesh sim = simulate(clusters());
    grant(
        "mgmt",
        "management-cluster.yaml",
        rule -> !rule.path("resources").toString().contains("deployments/scale"));
    for (String remote : sim.remoteClusters()) {
      grant(remote, "remote-cluster.yaml", rule -> true);
    }
    UpgradeHarness harness =
        simulation.startHarness(sim.serviceAccountKubeconfig(NAMESPACE, ACCOUNT));

    GlooMeshUpgradeWorkflow wf = harness.start(harness.request("0.11.3"));
    UpgradeStatus stuck = awaitStatus(wf, s -> s.state() == RunState.NEEDS_ATTENTION);

    assertThat(stuck.currentStep()).isEqualTo(Step.PREFLIGHT);
    assertThat(stuck.attention())
        .contains("lacks")
        .contains("apps/deployments/scale in gloo-mesh on mgmt")
        .doesNotContain("cluster-1")
        .doesNotContain("cluster-2");
    for (String cluster : sim.clusters()) {
      assertThat(sim.journal(cluster).mutating()).as(cluster).isEmpty();
    }
    assertConfigurationUnchanged();
  }

  /**
   * Shipped grants no run here can show in an audit log, each with why it is shipped. Kept short: a
   * grant added to deploy/rbac must be used by a run above or earn a line here.
   */
  private static final Map<String, String> NEEDED_THOUGH_NOT_SEEN = neededThoughNotSeen();

  private static Map<String, String> neededThoughNotSeen() {
    String chartChanges =
        "the chart's objects: created when a new chart adds one, deleted when it drops one (helm"
            + " upgrade); the simulated charts of 0.10.10 to 0.12.8 hold the same objects";
    String agentChanges =
        "the agent charts' objects: updated (manifests) or patched (helm) when a new chart changes"
            + " them, deleted when it drops them; the simulated agent charts change only cert-agent's"
            + " Deployment, which helm patches here";
    String observability =
        "AccessLogRecords (Gloo Mesh 0.12.3 and later): listed by the backup, read and written by a"
            + " restore; every backup here is taken at 0.10.10 or 0.11.3";
    Map<String, String> reasons = new LinkedHashMap<>();
    for (String verb : List.of("get", "list", "create", "update")) {
      reasons.put(
          verb
              + " observability.enterprise.mesh.gloo.solo.io/* (ClusterRole gloo-mesh-upgrade-management)",
          observability);
    }
    reasons.put(
        "update networking.enterprise.mesh.gloo.solo.io/* (ClusterRole gloo-mesh-upgrade-management)",
        "a restore updates an edited enterprise networking object as it does the other groups'"
            + " (seen here); the fixtures hold one, which the restore here recreates");
    String role = " (Role in gloo-mesh gloo-mesh-upgrade-namespace)";
    for (String grant :
        List.of(
            "create apps/deployments",
            "delete apps/deployments",
            "create core/serviceaccounts",
            "delete core/serviceaccounts",
            "delete core/services",
            "create settings.mesh.gloo.solo.io/settings",
            "delete settings.mesh.gloo.solo.io/settings")) {
      reasons.put(grant + role, chartChanges);
    }
    reasons.put(
        "update core/services" + role,
        "manifests updates a chart Service that differs from the new chart's; the simulated"
            + " charts render the same Services, which the manifests run here creates");
    reasons.put(
        "update core/resourcequotas" + role,
        "a pod hold an interrupted run left is set back to 0 pods (PodCreationHoldTest)");
    String remote = " (ClusterRole gloo-mesh-upgrade-remote)";
    for (String grant :
        List.of(
            "update core/serviceaccounts",
            "patch core/serviceaccounts",
            "delete core/serviceaccounts",
            "update apps/deployments",
            "delete apps/deployments",
            "update apiextensions.k8s.io/customresourcedefinitions")) {
      reasons.put(grant + remote, agentChanges);
    }
    return reasons;
  }

  /**
   * deploy/rbac against what the worker's account did in the runs above (all with the whole shipped
   * rules), read from the API servers' audit logs: nothing done without a grant or refused, and no
   * grant left unused but those listed with a reason.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void everyShippedGrantIsUsedAndNothingUsedIsMissing() throws IOException {
    assertThat(OBSERVED)
        .as("the runs of this class's other tests, which this one reads: run the whole class")
        .containsKeys("management-cluster.yaml", "remote-cluster.yaml");
    List<String> unusedEverywhere = new ArrayList<>();
    for (var file : new TreeMap<>(OBSERVED).entrySet()) {
      ShippedRbac shipped = ShippedRbac.read(RBAC.resolve(file.getKey()));
      assertThat(shipped.notGranted(file.getValue()))
          .as("done by the worker on a cluster given %s, but not granted there", file.getKey())
          .isEmpty();
      // Held only to be granted on: RBAC checks them when registration writes and binds the
      // remote access role, which no audit event shows as a verb.
      List<ShippedRbac.Grant> delegated =
          shipped.grants().stream()
              .filter(g -> g.role().equals(DeployRbacTest.REMOTE_GRANTS))
              .toList();
      List<String> unused =
          shipped.unused(file.getValue()).stream()
              .filter(g -> !delegated.contains(g))
              .map(ShippedRbac.Grant::toString)
              .toList();
      // The numbers for the docs: what the shipped roles allow against what the runs did.
      System.out.printf(
          "%s: %d grants: %d used by the runs, %d held to be granted to Gloo Mesh, %d on paths"
              + " the runs do not take%n",
          file.getKey(),
          shipped.grants().size(),
          shipped.grants().size() - delegated.size() - unused.size(),
          delegated.size(),
          unused.size());
      unused.forEach(
          u -> System.out.println("  not seen: " + u + ": " + NEEDED_THOUGH_NOT_SEEN.get(u)));
      unusedEverywhere.addAll(unused);
    }
    assertThat(unusedEverywhere)
        .as("shipped grants no run used")
        .containsExactlyInAnyOrderElementsOf(NEEDED_THOUGH_NOT_SEEN.keySet());
  }

  /**
   * Applies a shipped RBAC file, as an administrator would, keeping only the rules (of its
   * ClusterRoles and Roles) {@code keep} accepts (it may also change the rule it is given).
   */
  private void grant(String cluster, String file, Predicate<JsonNode> keep) throws IOException {
    ShippedRbac.install(simulation.sim().client(cluster), RBAC.resolve(file), keep);
  }

  private static KubernetesClient clientFor(Path kubeconfig) throws IOException {
    return new KubernetesClientBuilder()
        .withConfig(
            Config.fromKubeconfig(
                "mgmt",
                Files.readString(kubeconfig, StandardCharsets.UTF_8),
                kubeconfig.toString()))
        .build();
  }
}
