package org.gloomeshupgrade.crds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.gloomeshupgrade.kube.ConflictRetry;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.kube.Labels;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.sources.RequestedSources;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 4: reads the target version's CRDs, converts them when the cluster needs v1, applies and
 * waits.
 */
public class CrdActivitiesImpl implements CrdActivities {
  private static final Logger log = LoggerFactory.getLogger(CrdActivitiesImpl.class);

  /** Used when the request gives no establish timeout. */
  static final Duration DEFAULT_ESTABLISH_TIMEOUT = Duration.ofMinutes(2);

  private final KubernetesClients clients;
  private final CrdSource source;
  private final Duration pollInterval;
  private final TrustedSources trusted;

  public CrdActivitiesImpl(KubernetesClients clients) {
    this(clients, TrustedSources.defaults());
  }

  public CrdActivitiesImpl(KubernetesClients clients, TrustedSources trusted) {
    this(clients, new CrdSource(), Duration.ofSeconds(1), trusted);
  }

  public CrdActivitiesImpl(KubernetesClients clients, CrdSource source, Duration pollInterval) {
    this(clients, source, pollInterval, TrustedSources.defaults());
  }

  /**
   * @param trusted the CRD sources (and charts) requests may name
   */
  public CrdActivitiesImpl(
      KubernetesClients clients, CrdSource source, Duration pollInterval, TrustedSources trusted) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.source = Objects.requireNonNull(source, "source");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    this.trusted = Objects.requireNonNull(trusted, "trusted");
  }

  @Override
  public CrdSourceReport check(CrdApplyInput input) {
    String target = checkedTarget(input);
    CrdSource.Loaded loaded = loadComplete(input, target);
    String context = clients.resolve(input.context());
    StoredVersions.requireKept(clients.forContext(context), context, loaded);
    List<String> groups =
        loaded.crds().stream().map(CrdSource.Crd::group).distinct().sorted().toList();
    log.info(
        "crds: source={} holds the complete set of Gloo Mesh {}: {} CRDs in {} groups",
        loaded.source(),
        target,
        loaded.crds().size(),
        groups.size());
    return new CrdSourceReport(loaded.source(), loaded.crds().size(), groups);
  }

  @Override
  public CrdApplyResult apply(CrdApplyInput input) {
    return apply(input, false);
  }

  @Override
  public CrdApplyResult dryRun(CrdApplyInput input) {
    return apply(input, true);
  }

  private static String checkedTarget(CrdApplyInput input) {
    if (input == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "CrdApplyInput is missing", FailureTypes.INVALID_REQUEST);
    }
    if (input.targetVersion() == null || Semver.parse(input.targetVersion()) == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "targetVersion \""
              + input.targetVersion()
              + "\" is not a semantic version (for example 0.11.3)",
          FailureTypes.INVALID_REQUEST);
    }
    return Semver.parse(input.targetVersion()).getVersion();
  }

  private CrdSource.Loaded loadComplete(CrdApplyInput input, String target) {
    trusted.refuseUntrusted(RequestedSources.crds(input.source(), input.chart(), target));
    CrdSource.Loaded loaded = source.load(input.source(), target, input.chart());
    ManagementCrds.requireComplete(loaded, target);
    return loaded;
  }

  private CrdApplyResult apply(CrdApplyInput input, boolean dryRun) {
    String target = checkedTarget(input);
    String context = clients.resolve(input.context());

    // Everything is read and checked before the first request that changes the cluster.
    CrdSource.Loaded loaded = loadComplete(input, target);
    log.info(
        "crds: cluster={} source={} read {} CRDs from {} files",
        context,
        loaded.source(),
        loaded.crds().size(),
        loaded.files());
    return write(context, target, loaded, dryRun, input.establishTimeoutSeconds());
  }

  /**
   * Creates or updates each CRD read, then waits for Established. The set is not checked here: the
   * activities check it first; tests of sets that are not a management plane's (the agent CRDs)
   * call this directly.
   */
  CrdApplyResult write(
      String context,
      String target,
      CrdSource.Loaded loaded,
      boolean dryRun,
      long establishTimeoutSeconds) {

    KubernetesClient client = clients.forContext(context);
    KubernetesSerialization serialization = client.getKubernetesSerialization();
    boolean servesV1beta1 =
        KubernetesFailures.call(
            "reading the API group " + CrdManifestConverter.GROUP,
            context,
            () -> servesV1beta1(client.getApiGroup(CrdManifestConverter.GROUP)));

    List<String> created = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    Map<String, Boolean> appliedAsV1 = new LinkedHashMap<>();
    boolean converted = false;
    for (CrdSource.Crd crd : loaded.crds()) {
      boolean convert = crd.isV1beta1() && !servesV1beta1;
      ObjectNode manifest =
          applicable(convert ? CrdManifestConverter.toV1(crd.manifest()) : crd.manifest());
      converted |= convert;
      ObjectNode annotations =
          manifest.withObjectProperty("metadata").withObjectProperty("annotations");
      annotations.put(GlooMeshGroups.CRD_VERSION_ANNOTATION, target);

      boolean v1 = !CrdManifestConverter.isV1beta1(manifest);
      String name = crd.name();
      boolean wasCreated =
          KubernetesFailures.call(
              (dryRun ? "dry-running CRD " : "applying CRD ") + name,
              context,
              () ->
                  ConflictRetry.onConflict(
                      () ->
                          v1
                              ? upsert(
                                  client.apiextensions().v1().customResourceDefinitions(),
                                  serialization.convertValue(
                                      manifest,
                                      io.fabric8.kubernetes.api.model.apiextensions.v1
                                          .CustomResourceDefinition.class),
                                  dryRun)
                              : upsert(
                                  client.apiextensions().v1beta1().customResourceDefinitions(),
                                  serialization.convertValue(
                                      manifest,
                                      io.fabric8.kubernetes.api.model.apiextensions.v1beta1
                                          .CustomResourceDefinition.class),
                                  dryRun)));
      (wasCreated ? created : updated).add(name);
      appliedAsV1.put(name, v1);
      log.info(
          "crds: cluster={} crd={} {}{}",
          context,
          name,
          dryRun
              ? (wasCreated ? "would be created" : "would be updated") + " (server dry run)"
              : wasCreated ? "created" : "updated",
          convert ? " (converted v1beta1->v1)" : "");
      heartbeat((dryRun ? "dry-ran " : "applied ") + name);
    }
    if (dryRun) {
      return new CrdApplyResult(
          loaded.source(), List.copyOf(created), List.copyOf(updated), converted);
    }

    long timeoutSeconds = establishTimeoutSeconds;
    Duration timeout =
        timeoutSeconds > 0 ? Duration.ofSeconds(timeoutSeconds) : DEFAULT_ESTABLISH_TIMEOUT;
    awaitEstablished(client, context, appliedAsV1, timeout);
    return new CrdApplyResult(
        loaded.source(), List.copyOf(created), List.copyOf(updated), converted);
  }

  /**
   * Waits until each named CRD reports {@code Established=True}.
   *
   * @param crds CRD name to whether it is read through apiextensions.k8s.io/v1 (else v1beta1)
   */
  void awaitEstablished(
      KubernetesClient client, String context, Map<String, Boolean> crds, Duration timeout) {
    KubernetesSerialization serialization = client.getKubernetesSerialization();
    Map<String, String> pending = new LinkedHashMap<>();
    crds.keySet().forEach(name -> pending.put(name, "not read yet"));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (String name : List.copyOf(pending.keySet())) {
        HasMetadata current =
            KubernetesFailures.call(
                "reading CRD " + name,
                context,
                () ->
                    crds.get(name)
                        ? client
                            .apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName(name)
                            .get()
                        : client
                            .apiextensions()
                            .v1beta1()
                            .customResourceDefinitions()
                            .withName(name)
                            .get());
        String waiting =
            waitingFor(
                current == null ? null : serialization.convertValue(current, JsonNode.class));
        if (waiting == null) {
          pending.remove(name);
          log.info("crds: cluster={} crd={} established", context, name);
        } else {
          pending.put(name, waiting);
        }
      }
      if (pending.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw ApplicationFailure.newFailure(
            pending.size()
                + " CRDs not Established on cluster "
                + context
                + " after "
                + timeout.toSeconds()
                + "s: "
                + pending,
            FailureTypes.WAIT_TIMED_OUT);
      }
      heartbeat("waiting for Established: " + pending.keySet());
      try {
        Thread.sleep(pollInterval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure(
            "interrupted while waiting for CRDs " + pending.keySet(), FailureTypes.WAIT_TIMED_OUT);
      }
    }
  }

  /** Null when the CRD is Established, else what it still waits for, from its conditions. */
  static String waitingFor(JsonNode crd) {
    if (crd == null) {
      return "not found";
    }
    String reasons = "";
    for (JsonNode condition : crd.path("status").path("conditions")) {
      String type = condition.path("type").asText();
      String status = condition.path("status").asText();
      if ("Established".equals(type) && "True".equals(status)) {
        return null;
      }
      if (!"True".equals(status)) {
        reasons +=
            (reasons.isEmpty() ? "" : "; ")
                + type
                + "="
                + status
                + (condition.hasNonNull("message")
                    ? " (" + condition.get("message").asText() + ")"
                    : "");
      }
    }
    return reasons.isEmpty() ? "no Established condition yet" : reasons;
  }

  /**
   * The cluster serves v1beta1 CRDs only if its discovery says so; no answer means a current
   * (v1-only) cluster.
   */
  static boolean servesV1beta1(APIGroup group) {
    if (group == null || group.getVersions() == null) {
      return false;
    }
    for (GroupVersionForDiscovery version : group.getVersions()) {
      if (CrdManifestConverter.V1BETA1.equals(version.getGroupVersion())
          || "v1beta1".equals(version.getVersion())) {
        return true;
      }
    }
    return false;
  }

  /**
   * A copy without what the API server owns: a manifest exported from a cluster carries a
   * resourceVersion, uid and status, and a create with a resourceVersion is refused.
   */
  static ObjectNode applicable(ObjectNode manifest) {
    ObjectNode copy = manifest.deepCopy();
    copy.remove("status");
    JsonNode metadata = copy.path("metadata");
    if (metadata.isObject()) {
      ((ObjectNode) metadata).retain("name", "labels", "annotations");
    }
    return copy;
  }

  /**
   * Creates the CRD, or replaces the existing one; true when it was (or in a dry run would be)
   * created.
   */
  private static <T extends HasMetadata> boolean upsert(
      NonNamespaceOperation<T, ?, Resource<T>> api, T desired, boolean dryRun) {
    T existing = api.withName(desired.getMetadata().getName()).get();
    if (existing == null) {
      api.resource(desired).dryRun(dryRun).create();
      return true;
    }
    // Keep labels and annotations that others (Helm,
    // GitOps tools) put on the CRD; the manifest's win.
    ObjectMeta meta = desired.getMetadata();
    meta.setLabels(Labels.merged(existing.getMetadata().getLabels(), meta.getLabels()));
    meta.setAnnotations(
        Labels.merged(existing.getMetadata().getAnnotations(), meta.getAnnotations()));
    meta.setResourceVersion(existing.getMetadata().getResourceVersion());
    api.resource(desired).dryRun(dryRun).update();
    return false;
  }

  private static void heartbeat(String details) {
    ActivityExecutionContext context;
    try {
      context = Activity.getExecutionContext();
    } catch (IllegalStateException notInAnActivity) {
      return;
    }
    context.heartbeat(details);
  }
}
