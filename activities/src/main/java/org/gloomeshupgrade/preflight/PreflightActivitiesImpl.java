package org.gloomeshupgrade.preflight;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.gloomeshupgrade.deployments.ReplicasBeforeUpgrade;
import org.gloomeshupgrade.kube.CrdKind;
import org.gloomeshupgrade.kube.CrdKinds;
import org.gloomeshupgrade.kube.ImageVersions;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.kube.PermissionReview;
import org.gloomeshupgrade.kube.PermissionReviews;
import org.gloomeshupgrade.kube.PodCreationHold;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Looks at every cluster the run will touch and changes nothing. */
public class PreflightActivitiesImpl implements PreflightActivities {
  private static final Logger log = LoggerFactory.getLogger(PreflightActivitiesImpl.class);
  private static final String DEFAULT_NAMESPACE = "gloo-mesh";
  private static final String UNKNOWN = "unknown";

  private final KubernetesClients clients;

  public PreflightActivitiesImpl(KubernetesClients clients) {
    this.clients = clients;
  }

  @Override
  public PreflightReport preflight(PreflightInput input) {
    String context = clients.resolve(input.context());
    KubernetesClient client = clients.forContext(context);
    String ns = orDefault(input.namespace(), DEFAULT_NAMESPACE);
    String remoteNs = orDefault(input.remoteNamespace(), ns);
    List<String> deploymentNames =
        new ArrayList<>(
            new LinkedHashSet<>(
                List.of(
                    orDefault(input.discoveryDeployment(), "discovery"),
                    orDefault(input.networkingDeployment(), "networking"))));
    List<String> warnings = new ArrayList<>();

    String kubernetesVersion = kubernetesVersion(client, context, warnings);

    // Permissions first, all of them, so a person grants everything missing in one go.
    PermissionReviews reviews = new PermissionReviews(client, context);
    reviews.check(managementPermissions(context, ns));
    List<CustomResourceDefinition> crds = null;
    if (reviews.allowedOrUnknown(
        context, "list", "apiextensions.k8s.io", "customresourcedefinitions")) {
      crds = CrdKinds.all(client, context);
      reviews.check(kindPermissions(context, ns, crds));
    } else {
      warnings.add(
          "CRDs cannot be listed on "
              + context
              + ", so the permissions on the discovery, networking, settings and rbac kinds were not reviewed");
    }
    List<RegisteredCluster> clusters = List.of();
    if (crds != null
        && reviews.allowedOrUnknown(
            context, "list", GlooMeshGroups.MULTICLUSTER, "kubernetesclusters")) {
      clusters = registeredClusters(client, context, ns, crds, input, warnings);
      Set<String> remoteContexts = new LinkedHashSet<>();
      clusters.forEach(c -> remoteContexts.add(c.context()));
      for (String remote : remoteContexts) {
        PermissionReviews remotePermissionReviews =
            new PermissionReviews(clients.forContext(remote), remote);
        remotePermissionReviews.check(remotePermissions(remote, remoteNs, input.agentCharts()));
        reviews.add(remotePermissionReviews);
      }
    }
    reviews.failIfDenied();
    warnings.addAll(reviews.unansweredWarnings());

    Map<String, Deployment> deployments = deployments(client, context, ns, deploymentNames);
    Map<String, String> deploymentVersions = new LinkedHashMap<>();
    Map<String, Integer> originalReplicas = new LinkedHashMap<>();
    for (var entry : deployments.entrySet()) {
      Deployment d = entry.getValue();
      String image = ImageVersions.image(d);
      Optional<String> version = ImageVersions.version(image);
      if (version.isEmpty()) {
        warnings.add(
            "deployment "
                + ns
                + "/"
                + entry.getKey()
                + " runs image \""
                + image
                + "\" without a version tag (digest only?): its version cannot be read from the image");
      }
      deploymentVersions.put(entry.getKey(), version.orElse(UNKNOWN));
      Integer replicas = d.getSpec() == null ? null : d.getSpec().getReplicas();
      Optional<Integer> recorded = ReplicasBeforeUpgrade.recorded(d);
      if (replicas != null && replicas == 0 && recorded.isPresent()) {
        warnings.add(
            "deployment %s/%s is at 0 replicas, left there by an earlier upgrade run that did not scale it back; it recorded %d replicas before it, so this run brings it back to %d"
                .formatted(ns, entry.getKey(), recorded.get(), recorded.get()));
        originalReplicas.put(entry.getKey(), recorded.get());
        continue;
      }
      originalReplicas.put(entry.getKey(), replicas == null ? 1 : replicas);
    }
    String runningVersion = runningVersion(deploymentVersions, warnings);
    PodCreationHold hold = new PodCreationHold(client, context, ns);
    if (hold.inPlace()) {
      warnings.add(
          """
          pod hold %s is in place, left by an earlier run: the API server refuses every new pod           in %s until it goes. This run's control-plane step replaces it and lifts it, as does           any scale-up; to lift it now: kubectl delete resourcequota %s -n %s"""
              .formatted(hold.id(), ns, PodCreationHold.NAME, ns));
    }

    Map<String, Integer> inventory =
        crds == null
            ? Map.of()
            : CrdKinds.count(
                client, context, CrdKinds.ofGroups(crds, List.of(GlooMeshGroups.DISCOVERY)));

    log.info(
        "preflight: cluster={} kubernetes={} namespace={} running={} versions={} replicas={} discovery={} "
            + "clusters={} permissions reviewed={}, {} warning(s)",
        context,
        kubernetesVersion,
        ns,
        runningVersion,
        deploymentVersions,
        originalReplicas,
        inventory,
        clusters.stream().map(c -> c.name() + "@" + c.context()).toList(),
        reviews.count(),
        warnings.size());
    warnings.forEach(w -> log.warn("preflight: cluster={}: {}", context, w));
    return new PreflightReport(
        context,
        kubernetesVersion,
        runningVersion,
        deploymentVersions,
        originalReplicas,
        inventory,
        clusters,
        reviews.count(),
        List.copyOf(warnings));
  }

  private static String kubernetesVersion(
      KubernetesClient client, String context, List<String> warnings) {
    try {
      VersionInfo v = client.getKubernetesVersion();
      if (v != null && v.getGitVersion() != null && !v.getGitVersion().isBlank()) {
        return v.getGitVersion();
      }
      if (v != null && v.getMajor() != null) {
        return v.getMajor() + "." + v.getMinor();
      }
      warnings.add("cluster " + context + " did not report its Kubernetes version");
    } catch (RuntimeException e) {
      // Some servers and proxies do not answer /version; the run does not depend on it.
      warnings.add(
          "cluster " + context + " did not report its Kubernetes version: " + e.getMessage());
    }
    return UNKNOWN;
  }

  // --- permissions ---

  private static List<PermissionReview> managementPermissions(String context, String ns) {
    List<PermissionReview> r = new ArrayList<>();
    for (String verb : List.of("get", "list", "patch", "update")) {
      r.add(PermissionReview.namespaced(context, verb, "apps", "deployments", "", ns));
    }
    for (String verb : List.of("get", "update")) {
      r.add(PermissionReview.namespaced(context, verb, "apps", "deployments", "scale", ns));
    }
    r.add(PermissionReview.namespaced(context, "list", "", "pods", "", ns));
    for (String verb : List.of("get", "list", "create", "update")) {
      r.add(
          PermissionReview.clusterWide(
              context, verb, "apiextensions.k8s.io", "customresourcedefinitions"));
    }
    for (String verb : List.of("get", "create", "update")) {
      r.add(PermissionReview.namespaced(context, verb, "", "secrets", "", ns));
    }
    // Registration refreshes the clusters preflight found registered; it never registers one.
    for (String verb : List.of("get", "list", "update")) {
      r.add(
          PermissionReview.namespaced(
              context, verb, GlooMeshGroups.MULTICLUSTER, "kubernetesclusters", "", ns));
    }
    return r;
  }

  private static List<PermissionReview> kindPermissions(
      String context, String ns, List<CustomResourceDefinition> crds) {
    List<PermissionReview> r = new ArrayList<>();
    for (CrdKind kind : CrdKinds.ofGroups(crds, List.of(GlooMeshGroups.DISCOVERY))) {
      r.add(PermissionReview.allNamespaces(context, "list", kind.group(), kind.plural()));
      // Step 3 deletes discovery's output in the Gloo Mesh namespace only.
      r.add(
          kind.namespaced()
              ? PermissionReview.namespaced(
                  context, "deletecollection", kind.group(), kind.plural(), "", ns)
              : PermissionReview.clusterWide(
                  context, "deletecollection", kind.group(), kind.plural()));
    }
    for (CrdKind kind : CrdKinds.ofGroups(crds, GlooMeshGroups.USER_CONFIGURATION)) {
      for (String verb : List.of("list", "get")) {
        r.add(PermissionReview.allNamespaces(context, verb, kind.group(), kind.plural()));
      }
    }
    return r;
  }

  /**
   * Exactly what re-registration does on a remote cluster: it creates the namespace and service
   * account when missing and never changes them; it updates the ClusterRole; it updates or, when a
   * field cannot change in place (a binding's roleRef, a Secret's type), deletes and recreates the
   * binding and the token Secret.
   */
  private static List<PermissionReview> remotePermissions(
      String context, String remoteNs, InstallMethod agentCharts) {
    List<PermissionReview> r = new ArrayList<>();
    if (agentCharts != null) {
      // The agent charts: their CRDs through the API, then cert-agent's Deployment and
      // ServiceAccount; Helm also patches and deletes what a new chart version changes or drops.
      for (String verb : List.of("create", "get", "update")) {
        r.add(
            PermissionReview.clusterWide(
                context, verb, "apiextensions.k8s.io", "customresourcedefinitions"));
      }
      // Helm writes with three-way merge patches and deletes what a chart drops; manifests update.
      List<String> verbs =
          agentCharts == InstallMethod.HELM
              ? List.of("create", "get", "patch", "delete")
              : List.of("create", "get", "update");
      for (String verb : verbs) {
        r.add(PermissionReview.namespaced(context, verb, "apps", "deployments", "", remoteNs));
        r.add(PermissionReview.namespaced(context, verb, "", "serviceaccounts", "", remoteNs));
      }
    }
    r.add(PermissionReview.clusterWide(context, "get", "", "namespaces"));
    for (String verb : List.of("create", "get")) {
      r.add(PermissionReview.namespaced(context, verb, "", "serviceaccounts", "", remoteNs));
    }
    for (String verb : List.of("create", "get", "update")) {
      r.add(
          PermissionReview.clusterWide(context, verb, "rbac.authorization.k8s.io", "clusterroles"));
    }
    for (String verb : List.of("create", "get", "update", "delete")) {
      r.add(
          PermissionReview.clusterWide(
              context, verb, "rbac.authorization.k8s.io", "clusterrolebindings"));
    }
    // The token Secret is replaced, never updated.
    for (String verb : List.of("create", "get", "delete")) {
      r.add(PermissionReview.namespaced(context, verb, "", "secrets", "", remoteNs));
    }
    return r;
  }

  // --- clusters ---

  private List<RegisteredCluster> registeredClusters(
      KubernetesClient client,
      String context,
      String ns,
      List<CustomResourceDefinition> crds,
      PreflightInput input,
      List<String> warnings) {
    List<String> wanted = input.clusters() == null ? List.of() : input.clusters();
    Optional<CrdKind> kind =
        CrdKinds.ofGroups(crds, List.of(GlooMeshGroups.MULTICLUSTER)).stream()
            .filter(k -> k.kind().equals("KubernetesCluster"))
            .findFirst();
    List<GenericKubernetesResource> registered =
        kind.isEmpty()
            ? List.of()
            : KubernetesFailures.call(
                "listing KubernetesClusters in namespace " + ns,
                context,
                () ->
                    client
                        .genericKubernetesResources(kind.get().context())
                        .inNamespace(ns)
                        .list()
                        .getItems());
    if (kind.isEmpty()) {
      warnings.add("no KubernetesCluster CRD on " + context + ": no cluster is registered");
    }
    Map<String, GenericKubernetesResource> byName =
        registered.stream()
            .collect(
                Collectors.toMap(
                    r -> r.getMetadata().getName(), r -> r, (a, b) -> a, TreeMap::new));
    List<String> names = wanted.isEmpty() ? List.copyOf(byName.keySet()) : wanted;
    List<String> notRegistered = names.stream().filter(n -> !byName.containsKey(n)).toList();
    if (!notRegistered.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "clusters "
              + notRegistered
              + " are not registered: no "
              + "KubernetesCluster of that name in namespace "
              + ns
              + " on "
              + context
              + " (registered: "
              + byName.keySet()
              + "). Fix the request's clusters field, or leave it empty for every registered cluster.",
          FailureTypes.INVALID_REQUEST);
    }
    Map<String, String> contexts =
        input.clusterContexts() == null ? Map.of() : input.clusterContexts();
    List<RegisteredCluster> clusters = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String name : names) {
      String clusterContext = orDefault(contexts.get(name), name);
      if (!clients.contexts().contains(clusterContext)) {
        unknown.add("cluster " + name + " -> context \"" + clusterContext + "\"");
        continue;
      }
      Map<String, Object> spec = spec(byName.get(name));
      clusters.add(
          new RegisteredCluster(
              name,
              clients.resolve(clusterContext),
              orDefault(string(spec.get("secretName")), name),
              orDefault(string(spec.get("clusterDomain")), "cluster.local")));
    }
    if (!unknown.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no kubeconfig context for "
              + String.join(", ", unknown)
              + " in the worker's kubeconfig (it has "
              + clients.contexts()
              + "). Map each cluster to a context in "
              + "the request's clusterContexts, or add the context to the worker's kubeconfig.",
          FailureTypes.UNKNOWN_CONTEXT);
    }
    return List.copyOf(clusters);
  }

  // --- deployments and versions ---

  private static Map<String, Deployment> deployments(
      KubernetesClient client, String context, String ns, List<String> names) {
    Map<String, Deployment> found = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      Deployment d =
          KubernetesFailures.call(
              "reading deployment " + ns + "/" + name,
              context,
              () -> client.apps().deployments().inNamespace(ns).withName(name).get());
      if (d == null) {
        missing.add(ns + "/" + name);
      } else {
        found.put(name, d);
      }
    }
    if (!missing.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "404 Not Found while reading deployment(s) "
              + String.join(", ", missing)
              + " on cluster "
              + context
              + ": no such deployment. Check the request's "
              + "namespace and deployment names (Gloo Mesh Enterprise names them differently) and retry the step.",
          FailureTypes.NOT_FOUND);
    }
    return found;
  }

  /**
   * The oldest version the deployments run: the version policy must judge the upgrade from there.
   */
  private static String runningVersion(Map<String, String> versions, List<String> warnings) {
    Set<String> known =
        versions.values().stream()
            .filter(v -> !UNKNOWN.equals(v))
            .collect(Collectors.toCollection(() -> new TreeSet<>(VERSION_ORDER)));
    if (known.isEmpty()) {
      warnings.add("no deployment image carries a version tag: the running version is unknown");
      return UNKNOWN;
    }
    if (known.size() > 1) {
      warnings.add(
          "the deployments run different versions "
              + versions
              + "; taking the oldest, "
              + known.iterator().next()
              + ", as the running version");
    }
    return known.iterator().next();
  }

  /**
   * Orders "0.10.8" < "0.11.3" < "1.0.0-beta7" < "1.0.0-beta10" < "1.0.0" by semantic-version
   * precedence, a leading "v" ignored. Tags that are not versions ("latest") come before every
   * version, in the order of their text. Versions of equal precedence ("0.11.3", "v0.11.3") are
   * ordered by their text too, so only equal strings compare equal.
   */
  static final Comparator<String> VERSION_ORDER =
      Comparator.comparing(
              PreflightActivitiesImpl::semver,
              Comparator.nullsFirst(Comparator.<Semver>naturalOrder()))
          .thenComparing(Comparator.naturalOrder());

  /** The version a tag names, or null when it names none. */
  private static Semver semver(String tag) {
    return Semver.parse(ImageVersions.normalize(tag));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource r) {
    Object spec = r.getAdditionalProperties().get("spec");
    return spec instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String string(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
