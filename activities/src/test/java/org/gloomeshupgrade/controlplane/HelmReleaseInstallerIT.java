package org.gloomeshupgrade.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code helm upgrade} through helm-java, against a real API server: the CRUD mock cannot serve Helm.
 * Runs only when {@code GMU_IT_KUBECONFIG} names a kubeconfig ({@code GMU_IT_CONTEXT} picks the context, else its
 * current one). It works in a namespace of its own and removes it afterwards; it installs no CRD.
 */
class HelmReleaseInstallerIT {
  private static final String KUBECONFIG = System.getenv("GMU_IT_KUBECONFIG");
  private static final String CONTEXT = System.getenv("GMU_IT_CONTEXT");

  @TempDir Path tmp;

  @Test
  void upgradesAnExistingReleaseReusingItsValues() throws IOException {
    assumeTrue(KUBECONFIG != null && !KUBECONFIG.isBlank(),
        "GMU_IT_KUBECONFIG is not set: this test needs a real Kubernetes cluster, because a real helm upgrade"
            + " cannot run against the mock API server");
    String namespace = "gmu-it-" + UUID.randomUUID().toString().substring(0, 8);
    try (KubernetesClients clients = new KubernetesClients(Path.of(KUBECONFIG), CONTEXT)) {
      String context = clients.resolve(CONTEXT);
      String kubeconfig = HelmReleaseInstaller.kubeconfigFor(clients.kubeconfig(), context);
      KubernetesClient client = clients.forContext(context);
      try {
        // The release as it was before: the same chart at 0.11.2, without the Settings object (no CRD needed).
        Helm.install(chartAt("0.11.2").toString())
            .withName("gloo-mesh")
            .withNamespace(namespace)
            .createNamespace()
            .skipCrds()
            .set("settings.enabled", false)
            .withKubeConfigContents(kubeconfig)
            .call();

        HelmReleaseInstaller installer = new HelmReleaseInstaller(clients, new ChartResolver());
        InstallSpec spec = new InstallSpec(context, namespace, "gloo-mesh", TestChart.folder().toString(), "",
            TestChart.VERSION, "discovery", "networking");
        assertThat(installer.resolveTooling(spec).resolvedChart()).isEqualTo(TestChart.folder().toString());

        // Without reuseValues the upgrade would render Settings, whose CRD this cluster lacks, and fail.
        InstallOutcome outcome = installer.upgrade(spec);
        assertThat(outcome.revisionBefore()).isEqualTo(1);
        assertThat(outcome.revisionAfter()).isEqualTo(2);
        for (String name : new String[] {"discovery", "networking"}) {
          Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
          assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
              .endsWith(":" + TestChart.VERSION);
        }

        // Running it again is another revision of the same release, not a second release.
        assertThat(installer.upgrade(spec).revisionAfter()).isEqualTo(3);
      } finally {
        Helm.uninstall("gloo-mesh").withNamespace(namespace).ignoreNotFound().withKubeConfigContents(kubeconfig)
            .call();
        client.namespaces().withName(namespace).delete();
      }
    }
  }

  /** A copy of the test chart with another version in its Chart.yaml. */
  private Path chartAt(String version) throws IOException {
    Path source = TestChart.folder();
    Path copy = tmp.resolve("chart-" + version).resolve("gloo-mesh");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path target = copy.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode chart = (ObjectNode) yaml.readTree(copy.resolve("Chart.yaml").toFile());
    chart.put("version", version);
    yaml.writeValue(copy.resolve("Chart.yaml").toFile(), chart);
    return copy;
  }
}
