package org.gloomeshupgrade.testkit;

import static org.gloomeshupgrade.testkit.Json.map;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a stand-in for the community {@code gloo-mesh} chart of a simulated version: same name,
 * same values layout for the images, the Deployments {@code discovery} and {@code networking} with
 * their ServiceAccounts and Services, the {@code settings} object, and the CRDs in {@code crds/}.
 */
public final class HelmChart {

  public static final String CHART_NAME = "gloo-mesh";
  public static final String DEFAULT_REGISTRY = "gcr.io/gloo-mesh";
  public static final List<String> COMPONENTS = List.of("discovery", "networking");

  private HelmChart() {}

  /**
   * Writes the chart of {@code version} into {@code folder} (created if needed) and returns the
   * folder.
   */
  public static Path write(String version, Path folder) {
    SimulatedVersions.requireSupported(version);
    try {
      Files.createDirectories(folder.resolve("templates"));
      write(
          folder.resolve("Chart.yaml"),
          Json.toYaml(
              map(
                  "apiVersion",
                  "v2",
                  "name",
                  CHART_NAME,
                  "description",
                  "Helm chart for Gloo Mesh.",
                  "type",
                  "application",
                  "version",
                  version,
                  "appVersion",
                  version)));
      write(folder.resolve("values.yaml"), Json.toYaml(values(version)));
      write(folder.resolve(".helmignore"), ".git/\n*.tgz\n");
      write(folder.resolve("templates/_helpers.tpl"), HELPERS);
      for (String component : COMPONENTS) {
        write(folder.resolve("templates/" + component + ".yaml"), component(component));
      }
      write(folder.resolve("templates/settings.yaml"), SETTINGS);
      CrdManifests.writeV1beta1Folder(version, folder.resolve("crds"));
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The default values of the chart, as a map that values.yaml is written from. */
  public static Map<String, Object> values(String version) {
    Map<String, Object> values = map();
    for (String component : COMPONENTS) {
      values.put(
          component,
          map(
              "image",
                  map(
                      "registry",
                      DEFAULT_REGISTRY,
                      "repository",
                      component,
                      "tag",
                      "",
                      "pullPolicy",
                      "IfNotPresent"),
              "env", List.of(),
              "resources", map("requests", map("cpu", "125m", "memory", "256Mi")),
              "ports", map("metrics", 9091, "healthcheck", 8090),
              "serviceType", "ClusterIP"));
    }
    values.put(
        "glooMeshOperatorArgs",
        map("settingsRef", map("name", "settings", "namespace", "gloo-mesh")));
    values.put("settings", GlooMeshFixtures.settingsSpec(version));
    values.put("disallowIntersectingConfig", false);
    values.put("watchOutputTypes", true);
    values.put("verbose", false);
    return values;
  }

  private static void write(Path path, String text) throws IOException {
    Files.writeString(path, text, StandardCharsets.UTF_8);
  }

  private static String component(String name) {
    return COMPONENT_TEMPLATE.replace("COMPONENT", name);
  }

  private static final String HELPERS =
      """
      {{- define "gloo-mesh.labels" -}}
      app.kubernetes.io/name: {{ .Chart.Name }}
      app.kubernetes.io/instance: {{ .Release.Name }}
      app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
      app.kubernetes.io/managed-by: {{ .Release.Service }}
      {{- end -}}

      {{- define "gloo-mesh.image" -}}
      {{ .image.registry }}/{{ .image.repository }}:{{ .image.tag | default .version }}
      {{- end -}}
      """;

  // One template per component, kept literal so the
  // rendered output is easy to compare with a cluster.
  private static final String COMPONENT_TEMPLATE =
      """
      {{- $c := .Values.COMPONENT }}
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: COMPONENT
        namespace: {{ .Release.Namespace }}
        labels:
          app: COMPONENT
          {{- include "gloo-mesh.labels" . | nindent 4 }}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: COMPONENT
        namespace: {{ .Release.Namespace }}
        labels:
          app: COMPONENT
          {{- include "gloo-mesh.labels" . | nindent 4 }}
      spec:
        replicas: 1
        selector:
          matchLabels:
            app: COMPONENT
        template:
          metadata:
            labels:
              app: COMPONENT
          spec:
            serviceAccountName: COMPONENT
            containers:
            - name: COMPONENT
              image: {{ include "gloo-mesh.image" (dict "image" $c.image "version" .Chart.Version) }}
              imagePullPolicy: {{ $c.image.pullPolicy }}
              args:
              - COMPONENT
              - --metrics-port={{ $c.ports.metrics }}
              - --settings-name={{ .Values.glooMeshOperatorArgs.settingsRef.name }}
              - --settings-namespace={{ .Values.glooMeshOperatorArgs.settingsRef.namespace }}
              - --verbose={{ .Values.verbose }}
              env:
              - name: POD_NAMESPACE
                valueFrom:
                  fieldRef:
                    fieldPath: metadata.namespace
              {{- with $c.env }}
              {{- toYaml . | nindent 8 }}
              {{- end }}
              ports:
              - name: metrics
                containerPort: {{ $c.ports.metrics }}
              - name: healthcheck
                containerPort: {{ $c.ports.healthcheck }}
              readinessProbe:
                httpGet:
                  path: /healthz
                  port: {{ $c.ports.healthcheck }}
              resources:
                {{- toYaml $c.resources | nindent 10 }}
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: COMPONENT
        namespace: {{ .Release.Namespace }}
        labels:
          app: COMPONENT
          {{- include "gloo-mesh.labels" . | nindent 4 }}
      spec:
        type: {{ $c.serviceType }}
        selector:
          app: COMPONENT
        ports:
        - name: metrics
          port: {{ $c.ports.metrics }}
      """;

  // No version label on Settings: it is user configuration, and an upgrade that leaves its spec
  // alone should leave the whole object alone. The seeded Settings carries these same labels.
  private static final String SETTINGS =
      """
      apiVersion: settings.mesh.gloo.solo.io/v1alpha2
      kind: Settings
      metadata:
        name: settings
        namespace: {{ .Release.Namespace }}
        labels:
          app: gloo-mesh
          app.kubernetes.io/name: {{ .Chart.Name }}
          app.kubernetes.io/instance: {{ .Release.Name }}
          app.kubernetes.io/managed-by: {{ .Release.Service }}
      spec:
        {{- toYaml .Values.settings | nindent 2 }}
      """;
}
