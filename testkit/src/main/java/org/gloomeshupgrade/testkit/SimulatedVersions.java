package org.gloomeshupgrade.testkit;

import static org.gloomeshupgrade.testkit.Schemas.array;
import static org.gloomeshupgrade.testkit.Schemas.bool;
import static org.gloomeshupgrade.testkit.Schemas.clusterObjectRef;
import static org.gloomeshupgrade.testkit.Schemas.enumeration;
import static org.gloomeshupgrade.testkit.Schemas.int32;
import static org.gloomeshupgrade.testkit.Schemas.integer;
import static org.gloomeshupgrade.testkit.Schemas.mapOf;
import static org.gloomeshupgrade.testkit.Schemas.object;
import static org.gloomeshupgrade.testkit.Schemas.objectRef;
import static org.gloomeshupgrade.testkit.Schemas.opaque;
import static org.gloomeshupgrade.testkit.Schemas.root;
import static org.gloomeshupgrade.testkit.Schemas.string;
import static org.gloomeshupgrade.testkit.Schemas.stringMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.semver4j.Semver;

/**
 * The Gloo Mesh versions the simulator can run and the management-plane kinds each defines. The
 * kinds follow the published CRDs; the schemas are cut down but keep the differences that matter to
 * an upgrade (Settings moved {@code spec.istio} to {@code spec.discovery.istio} in 0.12.0;
 * AccessLogRecord exists from 0.12.3).
 */
public final class SimulatedVersions {

  public static final String DISCOVERY_GROUP = "discovery.mesh.gloo.solo.io";
  public static final String NETWORKING_GROUP = "networking.mesh.gloo.solo.io";
  public static final String NETWORKING_ENTERPRISE_GROUP =
      "networking.enterprise.mesh.gloo.solo.io";
  public static final String RBAC_GROUP = "rbac.enterprise.mesh.gloo.solo.io";
  public static final String SETTINGS_GROUP = "settings.mesh.gloo.solo.io";
  public static final String MULTICLUSTER_GROUP = "multicluster.solo.io";
  public static final String OBSERVABILITY_GROUP = "observability.enterprise.mesh.gloo.solo.io";

  private static final List<String> SUPPORTED = List.of("0.10.10", "0.11.3", "0.12.0", "0.12.8");

  private static final String[] NETWORKING_STATES = {"PENDING", "ACCEPTED", "INVALID", "FAILED"};

  private SimulatedVersions() {}

  /** The supported versions, oldest first. */
  public static List<String> supported() {
    return SUPPORTED;
  }

  public static boolean isSupported(String version) {
    return SUPPORTED.contains(version);
  }

  /** All management-plane kinds of a version, grouped by API group in a stable order. */
  public static List<SimulatedKind> kinds(String version) {
    requireSupported(version);
    boolean v012 = atLeast(version, 0, 12, 0);
    boolean accessLogs = atLeast(version, 0, 12, 3);

    List<SimulatedKind> kinds = new ArrayList<>();
    kinds.add(kind(DISCOVERY_GROUP, "v1alpha2", "Mesh", "meshes", mesh()));
    kinds.add(
        kind(DISCOVERY_GROUP, "v1alpha2", "TrafficTarget", "traffictargets", trafficTarget(v012)));
    kinds.add(kind(DISCOVERY_GROUP, "v1alpha2", "Workload", "workloads", workload(accessLogs)));

    kinds.add(
        kind(NETWORKING_GROUP, "v1alpha2", "TrafficPolicy", "trafficpolicies", trafficPolicy()));
    kinds.add(kind(NETWORKING_GROUP, "v1alpha2", "AccessPolicy", "accesspolicies", accessPolicy()));
    kinds.add(kind(NETWORKING_GROUP, "v1alpha2", "VirtualMesh", "virtualmeshes", virtualMesh()));
    kinds.add(
        kind(
            NETWORKING_GROUP,
            "v1alpha2",
            "FailoverService",
            "failoverservices",
            failoverService()));

    kinds.add(
        kind(
            NETWORKING_ENTERPRISE_GROUP,
            "v1alpha1",
            "WasmDeployment",
            "wasmdeployments",
            wasmDeployment()));

    kinds.add(
        new SimulatedKind(
            RBAC_GROUP,
            "v1alpha1",
            "Role",
            "roles",
            List.of("gmrole", "gmroles"),
            role(accessLogs)));
    kinds.add(
        new SimulatedKind(
            RBAC_GROUP,
            "v1alpha1",
            "RoleBinding",
            "rolebindings",
            List.of("gmrolebinding", "gmrolebindings"),
            roleBinding()));

    kinds.add(kind(SETTINGS_GROUP, "v1alpha2", "Settings", "settings", settings(v012)));

    kinds.add(
        kind(
            MULTICLUSTER_GROUP,
            "v1alpha1",
            "KubernetesCluster",
            "kubernetesclusters",
            kubernetesCluster()));

    if (accessLogs) {
      kinds.add(
          kind(
              OBSERVABILITY_GROUP,
              "v1alpha1",
              "AccessLogRecord",
              "accesslogrecords",
              accessLogRecord()));
    }
    return Collections.unmodifiableList(kinds);
  }

  /** The API groups of a version, in the order of {@link #kinds(String)}. */
  public static Set<String> groups(String version) {
    Set<String> groups = new LinkedHashSet<>();
    kinds(version).forEach(k -> groups.add(k.group()));
    return Collections.unmodifiableSet(groups);
  }

  public static List<SimulatedKind> kindsOfGroup(String version, String group) {
    return kinds(version).stream().filter(k -> k.group().equals(group)).toList();
  }

  public static Optional<SimulatedKind> kind(String version, String kind) {
    return kinds(version).stream().filter(k -> k.kind().equals(kind)).findFirst();
  }

  public static SimulatedKind requireKind(String version, String kind) {
    return kind(version, kind)
        .orElseThrow(
            () -> new IllegalArgumentException("Gloo Mesh " + version + " has no kind " + kind));
  }

  static void requireSupported(String version) {
    if (!isSupported(version)) {
      throw new IllegalArgumentException(
          "unsupported simulated Gloo Mesh version '" + version + "': supported are " + SUPPORTED);
    }
  }

  /**
   * Whether {@code version} is major.minor.patch or later; throws for text that is not a version.
   */
  static boolean atLeast(String version, int major, int minor, int patch) {
    Semver parsed = Semver.parse(version);
    if (parsed == null) {
      throw new IllegalArgumentException("not a version: '" + version + "'");
    }
    return parsed.isGreaterThanOrEqualTo(Semver.of(major, minor, patch));
  }

  private static SimulatedKind kind(
      String group, String version, String kind, String plural, ObjectNode schema) {
    return new SimulatedKind(group, version, kind, plural, List.of(), schema);
  }

  private static ObjectNode networkingStatus(Object... extra) {
    Object[] common = {
      "observedGeneration", integer(),
      "state", enumeration(NETWORKING_STATES),
      "errors", array(string())
    };
    Object[] all = Arrays.copyOf(common, common.length + extra.length);
    System.arraycopy(extra, 0, all, common.length, extra.length);
    return object(all);
  }

  private static ObjectNode mesh() {
    return root(
        "Meshes represent a currently registered service mesh.",
        object(
            "istio",
                object(
                    "installation",
                        object(
                            "namespace", string(),
                            "cluster", string(),
                            "podLabels", stringMap(),
                            "version", string()),
                    "trustDomain", string(),
                    "istiodServiceAccount", string(),
                    "ingressGateways", array(opaque())),
            "awsAppMesh", opaque(),
            "linkerd", opaque(),
            "consulConnect", opaque(),
            "osm", opaque(),
            "agentInfo", object("agentNamespace", string())),
        object(
            "observedGeneration", integer(),
            "appliedVirtualMesh", opaque(),
            "appliedFailoverServices", array(opaque())));
  }

  private static ObjectNode trafficTarget(boolean v012) {
    ObjectNode status =
        v012
            ? object(
                "observedGeneration", integer(),
                "appliedTrafficPolicies", array(opaque()),
                "appliedAccessPolicies", array(opaque()),
                "localFqdn", string(),
                "appliedFederation", opaque())
            : object(
                "observedGeneration", integer(),
                "appliedTrafficPolicies", array(opaque()),
                "appliedAccessPolicies", array(opaque()),
                "localFqdn", string(),
                "remoteFqdn", string());
    return root(
        "The TrafficTarget is an abstraction for a traffic target which we have discovered to be part of a given mesh.",
        object(
            "kubeService",
                object(
                    "ref", clusterObjectRef(),
                    "workloadSelectorLabels", stringMap(),
                    "labels", stringMap(),
                    "ports", array(object("port", int32(), "name", string(), "protocol", string())),
                    "subsets", mapOf(opaque())),
            "mesh", objectRef()),
        status);
  }

  private static ObjectNode workload(boolean accessLogs) {
    ObjectNode status =
        accessLogs
            ? object(
                "observedGeneration", integer(),
                "appliedAccessLogRecords", array(opaque()),
                "appliedWasmDeployments", array(opaque()))
            : object("observedGeneration", integer());
    return root(
        "The Workload is an abstraction for a workload/client which mesh-discovery has discovered to be part of a given mesh.",
        object(
            "kubernetes",
                object(
                    "controller", clusterObjectRef(),
                    "podLabels", stringMap(),
                    "serviceAccountName", string()),
            "appMesh", opaque(),
            "mesh", objectRef()),
        status);
  }

  private static ObjectNode trafficPolicy() {
    return root(
        "Applies L7 routing and post-routing configuration on selected network edges.",
        object(
            "sourceSelector", array(opaque()),
            "destinationSelector", array(opaque()),
            "httpRequestMatchers", array(opaque()),
            "trafficShift", object("destinations", array(opaque())),
            "faultInjection", opaque(),
            "requestTimeout", string(),
            "retries", object("attempts", int32(), "perTryTimeout", string()),
            "corsPolicy", opaque(),
            "mirror", opaque(),
            "headerManipulation", opaque(),
            "outlierDetection", opaque(),
            "mtls", opaque()),
        networkingStatus(
            "trafficTargets", mapOf(opaque()),
            "workloads", array(string())));
  }

  private static ObjectNode accessPolicy() {
    return root(
        "Grants communication permission between selected identities and traffic targets.",
        object(
            "sourceSelector", array(opaque()),
            "destinationSelector", array(opaque()),
            "allowedPaths", array(string()),
            "allowedMethods", array(string()),
            "allowedPorts", array(int32())),
        networkingStatus(
            "trafficTargets", mapOf(opaque()),
            "workloads", array(string())));
  }

  private static ObjectNode virtualMesh() {
    return root(
        "A VirtualMesh represents a logical grouping of meshes for shared configuration and cross-mesh interoperability.",
        object(
            "meshes", array(objectRef()),
            "mtlsConfig", opaque(),
            "federation", opaque(),
            "globalAccessPolicy", enumeration("MESH_DEFAULT", "DISABLED", "ENABLED")),
        networkingStatus("meshes", mapOf(opaque())));
  }

  private static ObjectNode failoverService() {
    return root(
        "A service composed of the referenced workloads with failover capabilities.",
        object(
            "hostname", string(),
            "port", object("number", int32(), "protocol", string()),
            "meshes", array(objectRef()),
            "backingServices", array(opaque())),
        networkingStatus("meshes", mapOf(opaque())));
  }

  private static ObjectNode wasmDeployment() {
    return root(
        "Describes a Wasm filter deployment.",
        object(
            "filters", array(opaque()),
            "workloadSelector", array(opaque()),
            "weight", int32()),
        object(
            "observedGeneration", integer(),
            "error", string(),
            "workloadStates", stringMap()));
  }

  private static ObjectNode role(boolean accessLogs) {
    List<Object> props =
        new ArrayList<>(
            List.of(
                "trafficPolicyScopes", array(opaque()),
                "virtualMeshScopes", array(opaque()),
                "accessPolicyScopes", array(opaque()),
                "failoverServiceScopes", array(opaque()),
                "wasmDeploymentScopes", array(opaque())));
    if (accessLogs) {
      props.add("accessLogRecordScopes");
      props.add(array(opaque()));
    }
    return root(
        "A role represents a set of permissions for creating, updating, and deleting Gloo Mesh configuration.",
        object(props.toArray()),
        object("observedGeneration", integer()));
  }

  private static ObjectNode roleBinding() {
    return root(
        "Binds a Role to subjects.",
        object(
            "roleRef", objectRef(),
            "subjects", array(object("kind", string(), "name", string(), "namespace", string()))),
        object());
  }

  private static ObjectNode settings(boolean v012) {
    ObjectNode istio =
        object(
            "ingressGatewayDetectors",
            mapOf(
                object(
                    "gatewayWorkloadLabels", stringMap(),
                    "gatewayTlsPortName", string())));
    ObjectNode mtls =
        object("istio", object("tlsMode", enumeration("DISABLE", "SIMPLE", "ISTIO_MUTUAL")));
    ObjectNode spec =
        v012
            ? object(
                "mtls", mtls,
                "networkingExtensionServers", array(opaque()),
                "discovery", object("istio", istio),
                "relay", object("enabled", bool(), "server", opaque()))
            : object(
                "mtls", mtls,
                "networkingExtensionServers", array(opaque()),
                "istio", istio);
    return root("Configure global settings and defaults.", spec, networkingStatus());
  }

  private static ObjectNode kubernetesCluster() {
    return root(
        "Representation of a Kubernetes cluster that has been registered.",
        object(
            "secretName", string(),
            "clusterDomain", string(),
            "providerInfo", opaque()),
        object(
            "status", array(opaque()),
            "namespace", string(),
            "policyRules", array(opaque())));
  }

  private static ObjectNode accessLogRecord() {
    return root(
        "Describes a record of access logs sourced from a set of workloads.",
        object(
            "workloadSelectors", array(opaque()),
            "filters", array(opaque())),
        networkingStatus("workloads", array(string())));
  }
}
