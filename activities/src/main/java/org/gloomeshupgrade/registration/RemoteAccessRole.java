package org.gloomeshupgrade.registration;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.List;

/**
 * The ClusterRole {@code gloomesh-remote-access} that registration gives the management plane on a
 * remote cluster: the rules Gloo Mesh's own registration creates and its reference documents
 * ("Registered ClusterRole Definition"), with {@code endpoints} read as from 1.0.5. Networking
 * reads workloads and writes mesh configuration and certificates there, nothing else.
 *
 * <p>Kubernetes lets an identity grant only what it holds (or anything, with {@code escalate} and
 * {@code bind}). deploy/rbac/remote-cluster.yaml therefore gives the worker these same rules
 * instead of those two verbs, and a test keeps the two equal.
 */
public final class RemoteAccessRole {

  public static final String NAME = "gloomesh-remote-access";

  private static final List<String> READ = List.of("get", "list", "watch");
  private static final List<String> ALL = List.of("*");
  private static final String CERTIFICATES = "certificates.mesh.gloo.solo.io";

  private RemoteAccessRole() {}

  public static List<PolicyRule> rules() {
    return List.of(
        rule("", List.of("pods", "services", "configmaps", "nodes", "endpoints"), READ),
        rule("appmesh.k8s.aws", List.of("meshes"), READ),
        rule("apps", List.of("deployments", "replicasets", "daemonsets", "statefulsets"), READ),
        rule(CERTIFICATES, List.of("issuedcertificates", "certificaterequests"), READ),
        rule("", List.of("secrets"), ALL),
        rule(CERTIFICATES, List.of("issuedcertificates", "podbouncedirectives"), ALL),
        rule(
            "networking.istio.io",
            List.of(
                "destinationrules",
                "virtualservices",
                "envoyfilters",
                "serviceentries",
                "gateways"),
            ALL),
        rule("security.istio.io", List.of("authorizationpolicies"), ALL),
        rule("access.smi-spec.io", List.of("traffictargets"), ALL),
        rule("specs.smi-spec.io", List.of("httproutegroups"), ALL),
        rule("split.smi-spec.io", List.of("trafficsplits"), ALL),
        rule(
            CERTIFICATES,
            List.of("issuedcertificates/status", "certificaterequests/status"),
            List.of("get", "update")));
  }

  static ClusterRole clusterRole() {
    return new ClusterRoleBuilder()
        .withNewMetadata()
        .withName(NAME)
        .endMetadata()
        .withRules(rules())
        .build();
  }

  private static PolicyRule rule(String group, List<String> resources, List<String> verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resources)
        .withVerbs(verbs)
        .build();
  }
}
