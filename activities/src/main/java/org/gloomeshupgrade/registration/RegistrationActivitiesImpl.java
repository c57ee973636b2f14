package org.gloomeshupgrade.registration;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.gloomeshupgrade.controlplane.AgentChartInstaller;
import org.gloomeshupgrade.controlplane.AgentChartInstaller.AgentChart;
import org.gloomeshupgrade.controlplane.ChartResolver;
import org.gloomeshupgrade.controlplane.MeshctlRunner;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.request.RegistrationMethod;
import org.gloomeshupgrade.sources.RequestedSources;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code meshctl cluster register} does, as upserts: each object is created when missing,
 * updated when it differs, and left alone when it already matches, so a second run writes nothing.
 * With method meshctl, runs {@code meshctl cluster register} itself instead.
 */
public class RegistrationActivitiesImpl implements RegistrationActivities {
  private static final Logger log = LoggerFactory.getLogger(RegistrationActivitiesImpl.class);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration REPLACE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_TOKEN_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  static final String CLUSTER_ROLE = RemoteAccessRole.NAME;
  static final String TOKEN_TYPE = "kubernetes.io/service-account-token";
  static final String KUBECONFIG_TYPE = "solo.io/kubeconfig";
  static final String SA_ANNOTATION = "kubernetes.io/service-account.name";
  static final ResourceDefinitionContext KUBERNETES_CLUSTER =
      new ResourceDefinitionContext.Builder()
          .withGroup(GlooMeshGroups.MULTICLUSTER)
          .withVersion("v1alpha1")
          .withPlural("kubernetesclusters")
          .withKind("KubernetesCluster")
          .withNamespaced(true)
          .build();

  /** Shorter than the activity's own limit, so a hung meshctl still reports its output. */
  private static final Duration DEFAULT_MESHCTL_TIMEOUT = Duration.ofMinutes(10);

  private final KubernetesClients clients;
  private final Duration tokenTimeout;
  private final MeshctlRegistration meshctl;
  private final AgentChartInstaller agents;
  private final TrustedSources trusted;

  public RegistrationActivitiesImpl(KubernetesClients clients) {
    this(clients, TrustedSources.defaults());
  }

  /**
   * @param trusted the agent chart locations and meshctl binaries requests may name
   */
  public RegistrationActivitiesImpl(KubernetesClients clients, TrustedSources trusted) {
    this(
        clients,
        DEFAULT_TOKEN_TIMEOUT,
        MeshctlRunner.onPath(clients),
        DEFAULT_MESHCTL_TIMEOUT,
        trusted);
  }

  /**
   * @param tokenTimeout how long the remote token controller may take to fill the token Secret
   */
  public RegistrationActivitiesImpl(KubernetesClients clients, Duration tokenTimeout) {
    this(clients, tokenTimeout, MeshctlRunner.onPath(clients), DEFAULT_MESHCTL_TIMEOUT);
  }

  /**
   * @param meshctl runs meshctl for method meshctl
   * @param meshctlTimeout how long {@code meshctl cluster register} may run
   */
  public RegistrationActivitiesImpl(
      KubernetesClients clients,
      Duration tokenTimeout,
      MeshctlRunner meshctl,
      Duration meshctlTimeout) {
    this(clients, tokenTimeout, meshctl, meshctlTimeout, TrustedSources.defaults());
  }

  public RegistrationActivitiesImpl(
      KubernetesClients clients,
      Duration tokenTimeout,
      MeshctlRunner meshctl,
      Duration meshctlTimeout,
      TrustedSources trusted) {
    this.clients = clients;
    this.tokenTimeout = tokenTimeout;
    this.meshctl = new MeshctlRegistration(meshctl, meshctlTimeout);
    this.agents = new AgentChartInstaller(clients, new ChartResolver());
    this.trusted = trusted;
  }

  @Override
  public ReRegisterResult reRegister(ReRegisterInput input) {
    String cluster = input.cluster();
    if (cluster == null || !DNS_LABEL.matcher(cluster).matches()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cluster \""
              + cluster
              + "\" is not a valid cluster name (lower-case letters, digits and '-', at most 63)",
          FailureTypes.INVALID_REQUEST);
    }
    requireNonBlank(input.namespace(), "namespace");
    requireNonBlank(input.remoteNamespace(), "remoteNamespace");
    String mgmtContext = clients.resolve(input.managementContext());
    String remoteName =
        input.remoteContext() == null || input.remoteContext().isBlank()
            ? cluster
            : input.remoteContext();
    String remoteContext = resolveRemote(cluster, remoteName);
    KubernetesClient mgmt = clients.forContext(mgmtContext);
    KubernetesClient remote = clients.forContext(remoteContext);
    String clusterDomain =
        input.clusterDomain() == null || input.clusterDomain().isBlank()
            ? "cluster.local"
            : input.clusterDomain();
    String ns = input.namespace();
    String remoteNs = input.remoteNamespace();
    if (input.method() == RegistrationMethod.MESHCTL) {
      trusted.refuseUntrusted(RequestedSources.meshctl(input.meshctlPath()));
      return meshctl.register(
          new MeshctlRegistration.Target(
              cluster, mgmtContext, remoteContext, ns, remoteNs, clusterDomain, apiServer(remote)),
          input.targetVersion(),
          input.meshctlPath(),
          mgmt,
          remote);
    }
    Changes changes = new Changes(cluster);

    // On the remote cluster: the identity the management plane uses there.
    upsert(
        remoteContext,
        changes,
        "Namespace " + remoteNs,
        new NamespaceBuilder().withNewMetadata().withName(remoteNs).endMetadata().build(),
        ns1 -> remote.namespaces().resource(ns1),
        (have, want) -> true,
        null);
    trusted.refuseUntrusted(
        new RequestedSources(
            input.chart(), null, input.agentCharts(), null, List.of(), input.targetVersion()));
    Optional<List<AgentChart>> agentCharts =
        AgentChartLocations.of(input.agentCharts(), input.chart(), input.targetVersion());
    List<String> agentReleases = List.of();
    String agentNote;
    if (agentCharts.isPresent()) {
      agentReleases =
          agents.install(
              remoteContext,
              remoteNs,
              agentCharts.get(),
              input.targetVersion(),
              input.agentInstallMethod());
      agentNote = "";
    } else {
      agentNote =
          input.agentCharts() == null
              ? "agent charts left alone (the run's input names none)"
              : "agent charts left alone (agentCharts \"none\")";
      log.info(
          "re-register: cluster={} context={} agent charts: {}", cluster, remoteContext, agentNote);
    }
    upsert(
        remoteContext,
        changes,
        "ServiceAccount " + remoteNs + "/" + cluster,
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName(cluster)
            .withNamespace(remoteNs)
            .endMetadata()
            .build(),
        sa -> remote.serviceAccounts().inNamespace(remoteNs).resource(sa),
        (have, want) -> true,
        null);
    upsert(
        remoteContext,
        changes,
        "ClusterRole " + CLUSTER_ROLE,
        RemoteAccessRole.clusterRole(),
        cr -> remote.rbac().clusterRoles().resource(cr),
        (have, want) -> rules(have).equals(rules(want)),
        (have, want) -> {
          have.setRules(want.getRules());
          return have;
        });
    String bindingName = cluster + "-" + CLUSTER_ROLE + "-clusterrole-binding";
    upsert(
        remoteContext,
        changes,
        "ClusterRoleBinding " + bindingName,
        clusterRoleBinding(bindingName, cluster, remoteNs),
        b -> remote.rbac().clusterRoleBindings().resource(b),
        (have, want) ->
            roleRef(have).equals(roleRef(want)) && subjects(have).equals(subjects(want)),
        (have, want) -> {
          if (!roleRef(have).equals(roleRef(want))) {
            return null; // roleRef cannot change in place: replace the binding
          }
          have.setSubjects(want.getSubjects());
          return have;
        });
    String tokenSecretName = cluster + "-token";
    upsert(
        remoteContext,
        changes,
        "Secret " + remoteNs + "/" + tokenSecretName,
        new SecretBuilder()
            .withNewMetadata()
            .withName(tokenSecretName)
            .withNamespace(remoteNs)
            .addToAnnotations(SA_ANNOTATION, cluster)
            .endMetadata()
            .withType(TOKEN_TYPE)
            .build(),
        s -> remote.secrets().inNamespace(remoteNs).resource(s),
        (have, want) ->
            TOKEN_TYPE.equals(have.getType()) && cluster.equals(annotation(have, SA_ANNOTATION)),
        // A Secret's type cannot change in place, and a token issued for another account must not
        // be reused: replace the Secret so the token controller issues a fresh token for this one.
        (have, want) -> null);

    Secret tokenSecret = awaitToken(remote, remoteContext, remoteNs, tokenSecretName);
    String apiServer = apiServer(remote);
    // From here on the token is in memory: every failure
    // message is scrubbed of it before it leaves.
    Redactor redactor = new Redactor(tokenSecret);
    List<String> agentOutcomes = agentReleases;
    return redactor.guard(
        () -> {
          String kubeconfig = kubeconfig(cluster, apiServer, tokenSecret, remote);
          redactor.add(kubeconfig);
          String encoded =
              Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8));
          redactor.add(encoded);

          // On the management cluster: how Gloo Mesh reaches the remote cluster.
          upsert(
              mgmtContext,
              changes,
              "Secret " + ns + "/" + cluster,
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(cluster)
                  .withNamespace(ns)
                  .endMetadata()
                  .withType(KUBECONFIG_TYPE)
                  .addToData("kubeconfig", encoded)
                  .build(),
              s -> mgmt.secrets().inNamespace(ns).resource(s),
              (have, want) ->
                  KUBECONFIG_TYPE.equals(have.getType())
                      && Objects.equals(have.getData(), want.getData()),
              (have, want) -> {
                if (!KUBECONFIG_TYPE.equals(have.getType())) {
                  return null;
                }
                have.setData(want.getData());
                return have;
              });
          upsert(
              mgmtContext,
              changes,
              "KubernetesCluster " + ns + "/" + cluster,
              kubernetesCluster(cluster, ns, clusterDomain),
              kc ->
                  mgmt.genericKubernetesResources(KUBERNETES_CLUSTER).inNamespace(ns).resource(kc),
              (have, want) ->
                  cluster.equals(spec(have).get("secretName"))
                      && clusterDomain.equals(spec(have).get("clusterDomain")),
              (have, want) -> {
                Map<String, Object> spec = new LinkedHashMap<>(spec(have));
                spec.putAll(spec(want));
                have.setAdditionalProperty("spec", spec);
                return have;
              });
          log.info(
              "re-register: cluster={} mgmt={} remote={} apiServer={}: created {}, updated {}",
              cluster,
              mgmtContext,
              remoteContext,
              apiServer,
              changes.created.size(),
              changes.updated.size());
          return new ReRegisterResult(
              cluster,
              List.copyOf(changes.created),
              List.copyOf(changes.updated),
              apiServer,
              RegistrationMethod.NATIVE.wireName(),
              agentOutcomes,
              agentNote);
        });
  }

  private String resolveRemote(String cluster, String context) {
    try {
      return clients.resolve(context);
    } catch (ApplicationFailure f) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cluster " + cluster + ": " + f.getOriginalMessage(), FailureTypes.UNKNOWN_CONTEXT);
    }
  }

  /**
   * Creates the object when missing; when present and not up to date, writes the merge of both, or
   * deletes and recreates it when merge says the difference cannot be changed in place (returns
   * null).
   */
  private static <T extends HasMetadata> void upsert(
      String context,
      Changes changes,
      String what,
      T desired,
      Function<T, Resource<T>> handle,
      BiPredicate<T, T> upToDate,
      BiFunction<T, T, T> merge) {
    T existing =
        KubernetesFailures.call("reading " + what, context, () -> handle.apply(desired).get());
    if (existing == null) {
      KubernetesFailures.call("creating " + what, context, () -> handle.apply(desired).create());
      changes.created.add(what + "@" + context);
      log.info("re-register: cluster={} context={} {}: created", changes.cluster, context, what);
      return;
    }
    if (upToDate.test(existing, desired)) {
      log.info(
          "re-register: cluster={} context={} {}: already up to date, not written",
          changes.cluster,
          context,
          what);
      return;
    }
    T merged = merge.apply(existing, desired);
    if (merged == null) {
      KubernetesFailures.call(
          "replacing " + what,
          context,
          () -> {
            handle.apply(existing).delete();
            awaitGone(handle.apply(existing), what, context);
            return handle.apply(desired).create();
          });
      log.info(
          "re-register: cluster={} context={} {}: replaced (a field that cannot change in place differed)",
          changes.cluster,
          context,
          what);
    } else {
      KubernetesFailures.call("updating " + what, context, () -> handle.apply(merged).update());
      log.info("re-register: cluster={} context={} {}: updated", changes.cluster, context, what);
    }
    changes.updated.add(what + "@" + context);
  }

  /**
   * Polls with get, which the shipped role grants, where fabric8's wait for a deletion would list
   * and watch the whole kind.
   */
  private static void awaitGone(Resource<?> resource, String what, String context) {
    long deadline = System.nanoTime() + REPLACE_TIMEOUT.toNanos();
    while (resource.get() != null) {
      if (System.nanoTime() > deadline) {
        throw ApplicationFailure.newFailure(
            "%s on %s was deleted to be replaced but is still there after %ds; retrying the step recreates it"
                .formatted(what, context, REPLACE_TIMEOUT.toSeconds()),
            FailureTypes.WAIT_TIMED_OUT);
      }
      Heartbeats.pause(POLL, "waiting for " + what + " on " + context + " to be deleted");
    }
  }

  private Secret awaitToken(KubernetesClient remote, String context, String ns, String name) {
    long started = System.nanoTime();
    long deadline = started + tokenTimeout.toNanos();
    while (true) {
      Secret s =
          KubernetesFailures.call(
              "reading Secret " + ns + "/" + name,
              context,
              () -> remote.secrets().inNamespace(ns).withName(name).get());
      boolean filled =
          s != null
              && s.getData() != null
              && s.getData().get("token") != null
              && !s.getData().get("token").isBlank();
      if (filled) {
        log.info(
            "re-register: context={} Secret {}/{}: token present after {}ms",
            context,
            ns,
            name,
            Duration.ofNanos(System.nanoTime() - started).toMillis());
        return s;
      }
      if (System.nanoTime() >= deadline) {
        log.warn(
            "re-register: context={} Secret {}/{}: no token after {}s",
            context,
            ns,
            name,
            tokenTimeout.toSeconds());
        throw ApplicationFailure.newFailure(
            "The token Secret "
                + ns
                + "/"
                + name
                + " on cluster "
                + context
                + " has no token after "
                + tokenTimeout.toSeconds()
                + "s"
                + (s == null ? " (the Secret is gone)" : "")
                + ". The cluster's token controller (kube-controller-manager) fills it; check that it runs and that "
                + "the ServiceAccount exists. The step retries.",
            FailureTypes.WAIT_TIMED_OUT);
      }
      Heartbeats.pause(POLL, "waiting for token in Secret " + ns + "/" + name + " on " + context);
    }
  }

  /** The bearer token; a Secret whose token is not base64 is refused without quoting it. */
  private static String decodedToken(Secret tokenSecret) {
    try {
      return new String(
          Base64.getDecoder().decode(tokenSecret.getData().get("token").trim()),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Secret "
              + tokenSecret.getMetadata().getNamespace()
              + "/"
              + tokenSecret.getMetadata().getName()
              + " holds a token that is not base64; delete the Secret so the "
              + "token controller makes a new one, then retry the step.",
          FailureTypes.INVALID_OBJECT);
    }
  }

  /** The remote API server as the worker reaches it, without the trailing slash. */
  static String apiServer(KubernetesClient remote) {
    String url = remote.getMasterUrl().toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String kubeconfig(
      String cluster, String apiServer, Secret tokenSecret, KubernetesClient remote) {
    String token = decodedToken(tokenSecret);
    boolean plainHttp = apiServer.startsWith("http:");
    String ca = plainHttp ? null : caData(tokenSecret, remote);
    Config config =
        new ConfigBuilder()
            .withApiVersion("v1")
            .withKind("Config")
            .withCurrentContext(cluster)
            .addNewCluster()
            .withName(cluster)
            .withNewCluster()
            .withServer(apiServer)
            .withCertificateAuthorityData(ca)
            .withInsecureSkipTlsVerify(plainHttp ? Boolean.TRUE : null)
            .endCluster()
            .endCluster()
            .addNewContext()
            .withName(cluster)
            .withNewContext()
            .withCluster(cluster)
            .withUser(cluster)
            .endContext()
            .endContext()
            .addNewUser()
            .withName(cluster)
            .withNewUser()
            .withToken(token)
            .endUser()
            .endUser()
            .build();
    return Serialization.asYaml(config);
  }

  /**
   * The CA the token controller put next to the token, else the one the worker trusts for that
   * cluster.
   */
  private static String caData(Secret tokenSecret, KubernetesClient remote) {
    String fromSecret = tokenSecret.getData().get("ca.crt");
    if (fromSecret != null && !fromSecret.isBlank()) {
      return fromSecret;
    }
    var config = remote.getConfiguration();
    if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
      return config.getCaCertData();
    }
    if (config.getCaCertFile() != null) {
      try {
        return Base64.getEncoder()
            .encodeToString(Files.readAllBytes(Path.of(config.getCaCertFile())));
      } catch (IOException e) {
        log.warn("re-register: cannot read CA file {}: {}", config.getCaCertFile(), e.toString());
      }
    }
    log.warn(
        "re-register: no CA for {}: the kubeconfig Secret relies on the system's trusted CAs",
        remote.getMasterUrl());
    return null;
  }

  private static ClusterRoleBinding clusterRoleBinding(
      String name, String cluster, String remoteNs) {
    return new ClusterRoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole")
        .withName(CLUSTER_ROLE)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(cluster)
        .withNamespace(remoteNs)
        .endSubject()
        .build();
  }

  // Compared field by field: API servers fill defaults (empty apiGroup, empty lists) that a plain
  // equals would take for a difference, and then every run would write again.
  private static List<List<String>> rules(ClusterRole role) {
    List<List<String>> out = new ArrayList<>();
    if (role.getRules() != null) {
      for (var r : role.getRules()) {
        out.add(
            List.of(
                String.join(",", orEmpty(r.getApiGroups())),
                String.join(",", orEmpty(r.getResources())),
                String.join(",", orEmpty(r.getVerbs())),
                String.join(",", orEmpty(r.getResourceNames())),
                String.join(",", orEmpty(r.getNonResourceURLs()))));
      }
    }
    return out;
  }

  private static List<String> roleRef(ClusterRoleBinding b) {
    var ref = b.getRoleRef();
    return ref == null
        ? List.of()
        : List.of(String.valueOf(ref.getKind()), String.valueOf(ref.getName()));
  }

  private static List<String> subjects(ClusterRoleBinding b) {
    return b.getSubjects() == null
        ? List.of()
        : b.getSubjects().stream()
            .map(s -> s.getKind() + "/" + s.getNamespace() + "/" + s.getName())
            .toList();
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }

  private static GenericKubernetesResource kubernetesCluster(
      String cluster, String ns, String clusterDomain) {
    GenericKubernetesResource kc =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(GlooMeshGroups.MULTICLUSTER + "/v1alpha1")
            .withKind("KubernetesCluster")
            .withNewMetadata()
            .withName(cluster)
            .withNamespace(ns)
            .endMetadata()
            .build();
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("secretName", cluster);
    spec.put("clusterDomain", clusterDomain);
    kc.setAdditionalProperty("spec", spec);
    return kc;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource r) {
    Object spec = r.getAdditionalProperties().get("spec");
    return spec instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String annotation(HasMetadata o, String key) {
    Map<String, String> a = o.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  private static void requireNonBlank(String value, String field) {
    if (value == null || value.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          field + " must not be empty", FailureTypes.INVALID_REQUEST);
    }
  }

  private static final class Changes {
    final String cluster;
    final List<String> created = new ArrayList<>();
    final List<String> updated = new ArrayList<>();

    Changes(String cluster) {
      this.cluster = cluster;
    }
  }

  /** Keeps credentials out of failure messages, whatever the API server echoed back. */
  static final class Redactor {
    private final List<String> secrets = new ArrayList<>();

    Redactor(Secret tokenSecret) {
      add(tokenSecret.getData().get("token"));
      add(decodedToken(tokenSecret));
    }

    void add(String secret) {
      if (secret != null && secret.length() >= 8) {
        secrets.add(secret);
      }
    }

    String scrub(String message) {
      if (message == null) {
        return null;
      }
      String out = message;
      for (String s : secrets) {
        out = out.replace(s, "[redacted]");
      }
      return out;
    }

    <T> T guard(Supplier<T> body) {
      try {
        return body.get();
      } catch (ApplicationFailure f) {
        // rebuilt without a cause: a cause's message or stack could carry what was scrubbed here
        throw ApplicationFailure.newBuilder()
            .setMessage(scrub(f.getOriginalMessage()))
            .setType(f.getType())
            .setNonRetryable(f.isNonRetryable())
            .build();
      } catch (RuntimeException e) {
        throw ApplicationFailure.newBuilder()
            .setMessage(
                scrub(
                    "re-registration failed: "
                        + e.getClass().getSimpleName()
                        + ": "
                        + e.getMessage()))
            .setType(FailureTypes.SERVER_ERROR)
            .build();
      }
    }
  }
}
