package org.gloomeshupgrade.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.sources.LocalSources;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.semver4j.Semver;

@EnableKubernetesMockClient(crud = true)
class CrdActivitiesImplTest {
  private static final List<String> BUNDLE =
      List.of(
          "trafficpolicies.networking.mesh.gloo.solo.io",
          "virtualmeshes.networking.mesh.gloo.solo.io",
          "settings.settings.mesh.gloo.solo.io");

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path tmp;
  private KubernetesClients clients;
  private CrdActivitiesImpl activities;

  @BeforeEach
  void setUp() {
    clients = MockKubeconfig.context("mgmt", client).clients(tmp);
    activities =
        new CrdActivitiesImpl(
            clients, new CrdSource(), Duration.ofMillis(20), LocalSources.anyLocalPath());
  }

  private CrdActivitiesImpl trusting(LocalHttpServer http) {
    return new CrdActivitiesImpl(
        clients, new CrdSource(), Duration.ofMillis(20), LocalSources.anyLocalPathAnd(http.url()));
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  @Test
  void appliesAFolderThenUpdatesInPlaceOnTheNextRun() throws Exception {
    CustomResourceDefinition unrelated =
        client.apiextensions().v1().customResourceDefinitions().resource(unrelatedCrd()).create();
    String bundle =
        CrdSets.completed(
                CrdManifestConverterTest.resource("bundle"), "0.11.3", tmp.resolve("bundle"))
            .toString();

    CrdApplyResult first;
    try (EstablishingController ignored = new EstablishingController(client)) {
      first = activities.apply(new CrdApplyInput("mgmt", bundle, "0.11.3", 10));
    }
    assertThat(first.source()).isEqualTo(bundle);
    assertThat(first.created()).hasSize(12).containsAll(BUNDLE);
    assertThat(first.updated()).isEmpty();
    assertThat(first.convertedFromV1beta1())
        .as("the mock serves no v1beta1, like Kubernetes 1.22+")
        .isTrue();

    CustomResourceDefinition trafficPolicies =
        v1Crd("trafficpolicies.networking.mesh.gloo.solo.io");
    assertThat(trafficPolicies.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(trafficPolicies.getMetadata().getAnnotations())
        .containsEntry(GlooMeshGroups.CRD_VERSION_ANNOTATION, "0.11.3");
    assertThat(trafficPolicies.getMetadata().getLabels()).containsEntry("app", "gloo-mesh");
    assertThat(trafficPolicies.getSpec().getVersions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getName()).isEqualTo("v1alpha2");
              assertThat(v.getSchema().getOpenAPIV3Schema().getProperties())
                  .containsKeys("spec", "status");
              assertThat(v.getSubresources().getStatus()).isNotNull();
            });
    assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
        .hasSize(13);

    // Someone else's label on a CRD, and a newer target:
    // the second run replaces the twelve, keeps the label.
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("trafficpolicies.networking.mesh.gloo.solo.io")
        .edit(
            crd -> {
              crd.getMetadata().getLabels().put("owner", "platform-team");
              return crd;
            });
    CrdApplyResult second;
    try (EstablishingController ignored = new EstablishingController(client)) {
      second = activities.apply(new CrdApplyInput("mgmt", bundle, "0.11.4", 10));
    }
    assertThat(second.created()).isEmpty();
    assertThat(second.updated()).hasSize(12).containsAll(BUNDLE);
    assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
        .as("updated in place, not duplicated")
        .hasSize(13);
    CustomResourceDefinition after = v1Crd("trafficpolicies.networking.mesh.gloo.solo.io");
    assertThat(after.getMetadata().getAnnotations())
        .containsEntry(GlooMeshGroups.CRD_VERSION_ANNOTATION, "0.11.4");
    assertThat(after.getMetadata().getLabels())
        .containsEntry("owner", "platform-team")
        .containsEntry("app", "gloo-mesh");
    assertThat(after.getMetadata().getUid()).isEqualTo(trafficPolicies.getMetadata().getUid());
    assertThat(after.getSpec()).isEqualTo(trafficPolicies.getSpec());

    CustomResourceDefinition unrelatedAfter = v1Crd(unrelated.getMetadata().getName());
    assertThat(unrelatedAfter.getSpec()).isEqualTo(unrelated.getSpec());
    assertThat(unrelatedAfter.getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void keepsV1beta1WhenTheClusterStillServesIt() throws Exception {
    server
        .expect()
        .get()
        .withPath("/apis/apiextensions.k8s.io")
        .andReturn(
            200,
            new APIGroupBuilder()
                .withName("apiextensions.k8s.io")
                .addNewVersion()
                .withGroupVersion("apiextensions.k8s.io/v1")
                .withVersion("v1")
                .endVersion()
                .addNewVersion()
                .withGroupVersion("apiextensions.k8s.io/v1beta1")
                .withVersion("v1beta1")
                .endVersion()
                .build())
        .always();
    String file =
        CrdSets.completed(
                CrdManifestConverterTest.resource("legacy-v1beta1.yaml"),
                "0.11.3",
                tmp.resolve("legacy"))
            .toString();

    CrdApplyResult result;
    try (EstablishingController ignored = new EstablishingController(client)) {
      result = activities.apply(new CrdApplyInput("mgmt", file, "0.11.3", 10));
    }
    assertThat(result.convertedFromV1beta1()).isFalse();
    assertThat(result.created())
        .hasSize(14)
        .startsWith("widgets.example.gloo-mesh-upgrade.io", "gadgets.example.gloo-mesh-upgrade.io");
    var widgets =
        client
            .apiextensions()
            .v1beta1()
            .customResourceDefinitions()
            .withName("widgets.example.gloo-mesh-upgrade.io")
            .get();
    assertThat(widgets.getSpec().getValidation().getOpenAPIV3Schema()).isNotNull();
    assertThat(widgets.getMetadata().getAnnotations())
        .containsEntry(GlooMeshGroups.CRD_VERSION_ANNOTATION, "0.11.3");
    List<RecordedRequest> posts = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      if ("POST".equals(request.getMethod())
          && request.getPath().contains("/v1beta1/customresourcedefinitions")) {
        posts.add(request);
      }
    }
    assertThat(posts)
        .hasSize(14)
        .allSatisfy(
            post ->
                assertThat(post.getUtf8Body())
                    .as("server-owned fields of the file are not sent")
                    .doesNotContain("4711", "6b2d1c1e", "storedVersions"));
  }

  @Test
  void appliesThePublishedManagementCrds() {
    Path dir = PublishedCrds.management("0.11.3");
    assumeTrue(dir != null, "the published Gloo Mesh CRDs are not on this machine");
    CrdApplyResult result;
    try (EstablishingController ignored = new EstablishingController(client)) {
      result = activities.apply(new CrdApplyInput("mgmt", dir.toString(), "0.11.3", 10));
    }
    assertThat(result.convertedFromV1beta1()).isTrue();
    assertThat(result.created())
        .hasSize(12)
        .contains(
            "trafficpolicies.networking.mesh.gloo.solo.io",
            "settings.settings.mesh.gloo.solo.io",
            "kubernetesclusters.multicluster.solo.io");
    assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
        .allSatisfy(
            crd ->
                assertThat(crd.getSpec().getVersions())
                    .allSatisfy(
                        v ->
                            assertThat(v.getSchema().getOpenAPIV3Schema().getType())
                                .isEqualTo("object")));
  }

  @Test
  void aBadSourceIsRefusedBeforeAnyWrite() throws Exception {
    for (String source :
        List.of(
            tmp.resolve("missing").toString(),
            CrdManifestConverterTest.resource("no-crds").toString())) {
      ApplicationFailure failure =
          catchThrowableOfType(
              ApplicationFailure.class,
              () -> activities.apply(new CrdApplyInput("mgmt", source, "0.11.3", 10)));
      assertThat(failure.getType()).isEqualTo(FailureTypes.CRD_SOURCE);
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).contains(source);
    }
    assertThat(writes()).isEmpty();
  }

  @Test
  void aSetMissingAGroupIsRefusedBeforeAnyWriteNamingTheGroup() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("without-rbac"));
    for (String name : CrdSource.fileNames(Semver.parse("0.11.3"))) {
      if (!name.startsWith(GlooMeshGroups.RBAC_ENTERPRISE)) {
        Files.writeString(folder.resolve(name), CrdSets.publishedFile(name, "0.11.3"));
      }
    }
    CrdApplyInput input = new CrdApplyInput("mgmt", folder.toString(), "0.11.3", 10);

    for (ThrowingCallable call :
        List.<ThrowingCallable>of(
            () -> activities.check(input),
            () -> activities.apply(input),
            () -> activities.dryRun(input))) {
      ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, call);
      assertThat(failure.getType()).isEqualTo(FailureTypes.CRD_SOURCE);
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage())
          .contains(
              folder.toString(),
              "complete set of Gloo Mesh 0.11.3",
              "group rbac.enterprise.mesh.gloo.solo.io (rolebindings.rbac.enterprise.mesh.gloo.solo.io, "
                  + "roles.rbac.enterprise.mesh.gloo.solo.io)",
              "Nothing was applied");
    }
    assertThat(writes()).isEmpty();
    assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems()).isEmpty();
  }

  @Test
  void aSetMissingOneCrdOfAGroupIsRefusedNamingTheCrd() throws Exception {
    Path folder =
        CrdSets.completed(
            CrdManifestConverterTest.resource("bundle"), "0.11.3", tmp.resolve("bundle"));
    Path completion = folder.resolve("zz-completion.yaml");
    Files.writeString(
        completion, Files.readString(completion).replace("name: failoverservices.", "name: x."));

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.apply(new CrdApplyInput("mgmt", folder.toString(), "0.11.3", 10)));

    assertThat(failure.getOriginalMessage())
        .contains("it lacks CRD failoverservices.networking.mesh.gloo.solo.io (");
    assertThat(writes()).isEmpty();
  }

  @Test
  void checkReportsACompleteSetAndChangesNothing() throws Exception {
    Path folder =
        CrdSets.completed(
            CrdManifestConverterTest.resource("bundle"), "0.11.3", tmp.resolve("bundle"));

    CrdSourceReport report =
        activities.check(new CrdApplyInput("mgmt", folder.toString(), "0.11.3", 10));

    assertThat(report.source()).isEqualTo(folder.toString());
    assertThat(report.crds()).isEqualTo(12);
    assertThat(report.groups())
        .containsExactly(
            "discovery.mesh.gloo.solo.io",
            "multicluster.solo.io",
            "networking.enterprise.mesh.gloo.solo.io",
            "networking.mesh.gloo.solo.io",
            "rbac.enterprise.mesh.gloo.solo.io",
            "settings.mesh.gloo.solo.io");
    assertThat(writes()).isEmpty();
  }

  @Test
  void checkRefusesASetThatDropsAVersionTheApiServerStillStoresObjectsIn() throws Exception {
    String bundle =
        CrdSets.completed(
                CrdManifestConverterTest.resource("bundle"), "0.11.3", tmp.resolve("bundle"))
            .toString();
    try (EstablishingController ignored = new EstablishingController(client)) {
      activities.apply(new CrdApplyInput("mgmt", bundle, "0.11.3", 10));
    }
    String name = "trafficpolicies.networking.mesh.gloo.solo.io";
    var crds = client.apiextensions().v1().customResourceDefinitions();
    List<String> served =
        crds.withName(name).get().getSpec().getVersions().stream().map(v -> v.getName()).toList();
    storedVersions(name, served);
    writes();

    assertThat(activities.check(new CrdApplyInput("mgmt", bundle, "0.11.3", 10)).crds())
        .as("every stored version kept")
        .isEqualTo(12);

    List<String> stored = new ArrayList<>(served);
    stored.add(0, "v1alpha0");
    storedVersions(name, stored);
    writes();
    ApplicationFailure refused =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.check(new CrdApplyInput("mgmt", bundle, "0.11.3", 10)));

    assertThat(refused.isNonRetryable()).isTrue();
    assertThat(refused.getType()).isEqualTo(FailureTypes.CRD_SOURCE);
    assertThat(refused.getOriginalMessage())
        .contains(name + " drops v1alpha0 (it has " + served + ")")
        .contains("Nothing was changed")
        .contains("status.storedVersions");
    assertThat(writes()).isEmpty();
  }

  private void storedVersions(String crd, List<String> versions) {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd)
        .editStatus(
            live -> {
              live.getStatus().setStoredVersions(versions);
              return live;
            });
  }

  @Test
  void thePublishedSetsAreCompleteAndEachLacksAGroupWhenAFileIsLeftOut() throws Exception {
    for (String version : List.of("0.10.10", "0.11.3", "0.12.0", "0.12.8")) {
      Path dir = PublishedCrds.management(version);
      assumeTrue(dir != null, "the published Gloo Mesh CRDs are not on this machine");
      CrdSourceReport report =
          activities.check(new CrdApplyInput("mgmt", dir.toString(), version, 10));
      assertThat(report.crds()).as(version).isEqualTo(version.equals("0.12.8") ? 13 : 12);

      Path partial = Files.createDirectories(tmp.resolve("partial-" + version));
      try (var files = Files.list(dir)) {
        for (Path file :
            files
                .filter(f -> !f.getFileName().toString().startsWith(GlooMeshGroups.SETTINGS))
                .toList()) {
          Files.copy(file, partial.resolve(file.getFileName()));
        }
      }
      ApplicationFailure failure =
          catchThrowableOfType(
              ApplicationFailure.class,
              () -> activities.apply(new CrdApplyInput("mgmt", partial.toString(), version, 10)));
      assertThat(failure.getOriginalMessage())
          .as(version)
          .contains("lacks group settings.mesh.gloo.solo.io (settings.settings.mesh.gloo.solo.io)");
    }
    assertThat(writes()).isEmpty();
  }

  @Test
  void readsTheVersionsFilesFromABaseUrl() throws Exception {
    List<String> names = CrdSource.fileNames(Semver.parse("0.11.3"));
    try (LocalHttpServer http = new LocalHttpServer();
        EstablishingController ignored = new EstablishingController(client)) {
      for (String name : names) {
        http.serve("/gloo-mesh/v0.11.3/crds/" + name, CrdSets.publishedFile(name, "0.11.3"));
      }
      String base = http.url() + "/gloo-mesh/v0.11.3/crds";
      CrdApplyResult result = trusting(http).apply(new CrdApplyInput("mgmt", base, "0.11.3", 10));

      assertThat(result.source()).isEqualTo(base + "/");
      assertThat(result.created()).hasSize(12);
      assertThat(result.convertedFromV1beta1()).isTrue();
      assertThat(http.requested())
          .containsExactlyElementsOf(
              names.stream().map(n -> "/gloo-mesh/v0.11.3/crds/" + n).toList());
    }
    assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
        .hasSize(12);
  }

  @Test
  void aMissingUrlIsRefusedNamingItBeforeAnyWrite() throws Exception {
    List<String> names = CrdSource.fileNames(Semver.parse("0.11.3"));
    try (LocalHttpServer http = new LocalHttpServer()) {
      for (String name : names.subList(0, names.size() - 1)) {
        http.serve("/crds/" + name, CrdSets.publishedFile(name, "0.11.3"));
      }
      String missing = http.url() + "/crds/" + names.get(names.size() - 1);
      ApplicationFailure failure =
          catchThrowableOfType(
              ApplicationFailure.class,
              () ->
                  trusting(http)
                      .apply(new CrdApplyInput("mgmt", http.url() + "/crds/", "0.11.3", 10)));
      assertThat(failure.getType()).isEqualTo(FailureTypes.CRD_SOURCE);
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).contains(missing, "404");

      http.answer("/flaky/" + names.get(0), 503);
      ApplicationFailure flaky =
          catchThrowableOfType(
              ApplicationFailure.class,
              () ->
                  trusting(http)
                      .apply(new CrdApplyInput("mgmt", http.url() + "/flaky", "0.11.3", 10)));
      assertThat(flaky.isNonRetryable()).as("a server error may pass").isFalse();
      assertThat(flaky.getType()).isEqualTo(CrdSource.UNREACHABLE);
    }
    assertThat(writes()).isEmpty();
  }

  @Test
  void notEstablishedInTimeIsARetryableTimeoutNamingTheCrds() {
    String bundle =
        CrdSets.completed(
                CrdManifestConverterTest.resource("bundle"), "0.11.3", tmp.resolve("bundle"))
            .toString();
    long started = System.nanoTime();
    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.apply(new CrdApplyInput("mgmt", bundle, "0.11.3", 1)));
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("the 1 s wait ends, it does not hang")
        .isLessThan(Duration.ofSeconds(30));
    assertThat(failure.getType()).isEqualTo(FailureTypes.WAIT_TIMED_OUT);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).contains("mgmt").contains(BUNDLE);
  }

  @Test
  void anUnknownContextIsRefused() throws Exception {
    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.apply(
                    new CrdApplyInput(
                        "elsewhere",
                        CrdManifestConverterTest.resource("bundle").toString(),
                        "0.11.3",
                        10)));
    assertThat(failure.getType()).isEqualTo(FailureTypes.UNKNOWN_CONTEXT);
    assertThat(writes()).isEmpty();
  }

  @Test
  void onlyAnExplicitV1beta1InDiscoveryKeepsV1beta1() {
    assertThat(CrdActivitiesImpl.servesV1beta1(null)).isFalse();
    assertThat(
            CrdActivitiesImpl.servesV1beta1(
                new APIGroupBuilder()
                    .withName("apiextensions.k8s.io")
                    .addNewVersion()
                    .withGroupVersion("apiextensions.k8s.io/v1")
                    .withVersion("v1")
                    .endVersion()
                    .build()))
        .isFalse();
    assertThat(
            CrdActivitiesImpl.servesV1beta1(
                new APIGroupBuilder()
                    .withName("apiextensions.k8s.io")
                    .addNewVersion()
                    .withGroupVersion("apiextensions.k8s.io/v1beta1")
                    .withVersion("v1beta1")
                    .endVersion()
                    .build()))
        .isTrue();
  }

  private CustomResourceDefinition v1Crd(String name) {
    return client.apiextensions().v1().customResourceDefinitions().withName(name).get();
  }

  /** Every recorded request that would change something. */
  private List<String> writes() throws InterruptedException {
    List<String> writes = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      if (!"GET".equals(request.getMethod())) {
        writes.add(request.getMethod() + " " + request.getPath());
      }
    }
    return writes;
  }

  private static CustomResourceDefinition unrelatedCrd() {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName("gateways.example.com")
        .endMetadata()
        .withNewSpec()
        .withGroup("example.com")
        .withScope("Namespaced")
        .withNewNames()
        .withKind("Gateway")
        .withPlural("gateways")
        .withSingular("gateway")
        .endNames()
        .addNewVersion()
        .withName("v1")
        .withServed(true)
        .withStorage(true)
        .withNewSchema()
        .withNewOpenAPIV3Schema()
        .withType("object")
        .withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema()
        .endSchema()
        .endVersion()
        .endSpec()
        .build();
  }
}
