package org.gloomeshupgrade.testkit;

import static org.gloomeshupgrade.testkit.Json.map;
import static org.gloomeshupgrade.testkit.Schemas.object;
import static org.gloomeshupgrade.testkit.Schemas.opaque;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes stand-ins for the agent charts that registration installs on each remote cluster: {@code
 * agent-crds} (the agent CRDs in {@code crds/}, v1beta1 as published, with structural schemas cut
 * down to an opaque spec and status) and {@code cert-agent} (the Deployment {@code cert-agent} and
 * its ServiceAccount in the release namespace, image tag the chart version). Both go into one
 * folder, as registration's {@code agentCharts} reads them.
 */
public final class AgentCharts {
  public static final String AGENT_CRDS = "agent-crds";
  public static final String CERT_AGENT = "cert-agent";
  public static final String CERT_AGENT_IMAGE = HelmChart.DEFAULT_REGISTRY + "/cert-agent";

  /**
   * The agent kinds of 0.10 to 0.12 (the published agent CRDs of each version have the same four).
   */
  public static final List<SimulatedKind> KINDS =
      List.of(
          kind(
              "certificates.mesh.gloo.solo.io",
              "v1alpha2",
              "IssuedCertificate",
              "issuedcertificates"),
          kind(
              "certificates.mesh.gloo.solo.io",
              "v1alpha2",
              "CertificateRequest",
              "certificaterequests"),
          kind(
              "certificates.mesh.gloo.solo.io",
              "v1alpha2",
              "PodBounceDirective",
              "podbouncedirectives"),
          kind("xds.agent.enterprise.mesh.gloo.solo.io", "v1alpha1", "XdsConfig", "xdsconfigs"));

  private AgentCharts() {}

  /**
   * Writes both charts of {@code version} into {@code folder} (created if needed) and returns the
   * folder.
   */
  public static Path write(String version, Path folder) {
    SimulatedVersions.requireSupported(version);
    try {
      Path crds = folder.resolve(AGENT_CRDS);
      Files.createDirectories(crds.resolve("crds"));
      write(crds.resolve("Chart.yaml"), chartYaml(AGENT_CRDS, version));
      StringBuilder manifests = new StringBuilder();
      for (SimulatedKind kind : KINDS) {
        manifests.append("---\n").append(Json.toYaml(CrdManifests.v1beta1(kind)));
      }
      write(crds.resolve("crds/agent-crds.yaml"), manifests.toString());

      Path certAgent = folder.resolve(CERT_AGENT);
      Files.createDirectories(certAgent.resolve("templates"));
      write(certAgent.resolve("Chart.yaml"), chartYaml(CERT_AGENT, version));
      write(
          certAgent.resolve("values.yaml"),
          Json.toYaml(
              map(
                  "certAgent",
                  map(
                      "image",
                      map(
                          "registry",
                          HelmChart.DEFAULT_REGISTRY,
                          "repository",
                          CERT_AGENT,
                          "tag",
                          "",
                          "pullPolicy",
                          "IfNotPresent")))));
      write(certAgent.resolve("templates/cert-agent.yaml"), CERT_AGENT_TEMPLATE);
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SimulatedKind kind(String group, String version, String kind, String plural) {
    return new SimulatedKind(
        group, version, kind, plural, List.of(), object("spec", opaque(), "status", opaque()));
  }

  private static String chartYaml(String name, String version) {
    return Json.toYaml(
        map(
            "apiVersion",
            "v2",
            "name",
            name,
            "description",
            "Gloo Mesh " + name + " (simulated).",
            "type",
            "application",
            "version",
            version,
            "appVersion",
            version));
  }

  private static void write(Path path, String text) throws IOException {
    Files.writeString(path, text, StandardCharsets.UTF_8);
  }

  private static final String CERT_AGENT_TEMPLATE =
      """
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: cert-agent
        namespace: {{ .Release.Namespace }}
        labels:
          app: cert-agent
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: cert-agent
        namespace: {{ .Release.Namespace }}
        labels:
          app: cert-agent
      spec:
        replicas: 1
        selector:
          matchLabels:
            app: cert-agent
        template:
          metadata:
            labels:
              app: cert-agent
          spec:
            serviceAccountName: cert-agent
            containers:
            - name: cert-agent
              image: {{ .Values.certAgent.image.registry }}/{{ .Values.certAgent.image.repository }}:{{ .Values.certAgent.image.tag | default .Chart.Version }}
              imagePullPolicy: {{ .Values.certAgent.image.pullPolicy }}
              env:
              - name: POD_NAMESPACE
                valueFrom:
                  fieldRef:
                    fieldPath: metadata.namespace
      """;
}
