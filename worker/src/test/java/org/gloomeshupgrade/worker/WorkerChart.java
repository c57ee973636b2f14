package org.gloomeshupgrade.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's Helm chart in deploy/chart, rendered and linted by the Helm library the activities
 * use (helm-java), as a release of the name and namespace deploy/rbac assumes.
 */
final class WorkerChart {
  static final Path FOLDER = Path.of("..", "deploy", "chart", "gloo-mesh-upgrade-worker");
  static final String RELEASE = "gloo-mesh-upgrade-worker";
  static final String NAMESPACE = "gloo-mesh-upgrade";

  /** Example values the chart ships in ci/, each a set-up the tests render. */
  static final Path TEMPORAL_CLOUD = FOLDER.resolve("ci").resolve("temporal-cloud-values.yaml");

  static final Path MTLS_KUBECONFIG = FOLDER.resolve("ci").resolve("mtls-kubeconfig-values.yaml");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();

  private WorkerChart() {}

  /** The defaults and each example values file in ci/, rendered, by name. */
  static Map<String, RenderedChart> everySetUp() {
    Map<String, RenderedChart> setUps = new LinkedHashMap<>();
    setUps.put("the defaults", render());
    for (Path values : List.of(TEMPORAL_CLOUD, MTLS_KUBECONFIG)) {
      setUps.put(values.getFileName().toString(), render(values));
    }
    return setUps;
  }

  static LintResult lint() {
    return new Helm(FOLDER).lint().strict().call();
  }

  /** The chart with its default values. */
  static RenderedChart render() {
    return parse(template().call());
  }

  /** The chart with the values of {@code valuesFile} over its defaults. */
  static RenderedChart render(Path valuesFile) {
    return parse(template().withValuesFile(valuesFile).call());
  }

  /** A template command to add values to; {@link #parse} reads what it renders. */
  static TemplateCommand template() {
    return new Helm(FOLDER).template().withName(RELEASE).withNamespace(NAMESPACE);
  }

  static RenderedChart parse(String manifests) {
    List<HasMetadata> objects = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(manifests)) {
      for (JsonNode document : YAML.readValues(parser, JsonNode.class).readAll()) {
        // Templates that render nothing leave empty documents.
        if (document != null && !document.isEmpty()) {
          objects.add(KUBERNETES.convertValue(document, HasMetadata.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("helm template rendered no YAML:\n" + manifests, e);
    }
    return new RenderedChart(objects);
  }
}
