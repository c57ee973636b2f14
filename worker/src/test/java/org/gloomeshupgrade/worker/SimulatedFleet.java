package org.gloomeshupgrade.worker;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.gloomeshupgrade.fleet.FleetReport;
import org.gloomeshupgrade.fleet.FleetResume;
import org.gloomeshupgrade.fleet.FleetStatus;
import org.gloomeshupgrade.fleet.GlooMeshFleetWorkflow;
import org.gloomeshupgrade.heartbeat.KeepAliveInterceptor;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.testkit.SimulatedGlooMesh;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeSearchAttributes;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Several management planes, each a {@link SimulatedGlooMesh} with one remote cluster at 0.10.10,
 * one kubeconfig holding them all, and the real worker over them on Temporal's test server in real
 * time. Closed after each test.
 */
final class SimulatedFleet implements AfterEachCallback, AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String FLEET = "mesh";
  static final String FLEET_ID = UpgradeNames.fleetWorkflowId(FLEET);

  private final Map<String, SimulatedGlooMesh> planes = new LinkedHashMap<>();
  private TestWorkflowEnvironment env;
  private KubernetesClients clients;
  private KeepAliveInterceptor keepAlive;
  private Path kubeconfig;

  /** One simulated management plane per context, each with a remote cluster "<context>-1". */
  SimulatedFleet start(String... contexts) {
    for (String context : contexts) {
      planes.put(
          context,
          SimulatedGlooMesh.builder()
              .managementCluster(context)
              .remoteClusters(context + "-1")
              .glooMeshVersion("0.10.10")
              .deploymentDelay(Duration.ofMillis(100))
              .discoveryDelay(Duration.ofMillis(300))
              .build());
    }
    kubeconfig = mergedKubeconfig();
    keepAlive = new KeepAliveInterceptor();
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkerFactoryOptions(UpgradeWorker.factoryOptions(keepAlive))
                .build());
    clients = new KubernetesClients(kubeconfig, contexts[0]);
    UpgradeSearchAttributes.ALL.forEach(env::registerSearchAttribute);
    TrustedSources trusted = TrustedSources.defaults();
    for (SimulatedGlooMesh sim : planes.values()) {
      trusted = trusted.withFolder(sim.sourcesFolder());
    }
    UpgradeWorker.register(
        env.getWorkerFactory(),
        UpgradeNames.TASK_QUEUE,
        UpgradeWorker.activities(clients, trusted));
    env.start();
    return this;
  }

  SimulatedGlooMesh plane(String context) {
    return planes.get(context);
  }

  WorkflowClient client() {
    return env.getWorkflowClient();
  }

  /**
   * A fleet request over these planes: short waits for the simulator, and each plane's chart and
   * CRDs from its own simulator as its override.
   *
   * @param waves wave name to its contexts, in order
   */
  ObjectNode request(String targetVersion, Map<String, List<String>> waves) {
    ObjectNode request =
        JSON.createObjectNode().put("name", FLEET).put("targetVersion", targetVersion);
    request
        .putObject("common")
        .put("discoveryPollInterval", "200ms")
        .put("discoverySettleWindow", "2s")
        .put("discoveryTimeout", "30s")
        .put("networkingTimeout", "30s")
        .put("scaleTimeout", "30s");
    ArrayNode list = request.putArray("waves");
    waves.forEach(
        (name, contexts) -> {
          ObjectNode wave = list.addObject().put("name", name);
          contexts.forEach(wave.putArray("contexts")::add);
          wave.put("concurrency", contexts.size());
          ObjectNode overrides = wave.putObject("overrides");
          for (String context : contexts) {
            ObjectNode own = planes.get(context).upgradeRequest(targetVersion);
            own.remove(List.of("targetVersion", "managementContext"));
            overrides.set(context, own);
          }
        });
    return request;
  }

  GlooMeshFleetWorkflow start(JsonNode request) {
    return start(request, null);
  }

  GlooMeshFleetWorkflow start(JsonNode request, FleetResume resume) {
    GlooMeshFleetWorkflow fleet =
        client()
            .newWorkflowStub(
                GlooMeshFleetWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(FLEET_ID)
                    .setTaskQueue(UpgradeNames.TASK_QUEUE)
                    .build());
    WorkflowClient.start(fleet::upgrade, request, resume);
    return fleet;
  }

  /** The latest run of a plane's own upgrade. */
  GlooMeshUpgradeWorkflow planeRun(String context) {
    return client()
        .newWorkflowStub(GlooMeshUpgradeWorkflow.class, UpgradeNames.workflowId(context));
  }

  static FleetStatus awaitFleet(GlooMeshFleetWorkflow fleet, Predicate<FleetStatus> wanted) {
    AtomicReference<FleetStatus> last = new AtomicReference<>();
    try {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                last.set(fleet.status());
                return wanted.test(last.get());
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not the wanted fleet status; it is " + last.get(), e);
    }
    return last.get();
  }

  static FleetReport result(GlooMeshFleetWorkflow fleet) {
    try {
      return WorkflowStub.fromTyped(fleet).getResult(4, TimeUnit.MINUTES, FleetReport.class);
    } catch (TimeoutException e) {
      throw new AssertionError("the fleet did not end within 4 minutes: " + fleet.status(), e);
    }
  }

  String historyJson(String workflowId) {
    return client().fetchHistory(workflowId).toJson(true);
  }

  /** The kubeconfigs of every plane's simulator, as one. */
  private Path mergedKubeconfig() {
    YAMLMapper yaml = new YAMLMapper();
    try {
      ObjectNode merged = null;
      for (SimulatedGlooMesh sim : planes.values()) {
        ObjectNode one = (ObjectNode) yaml.readTree(sim.kubeconfig().toFile());
        if (merged == null) {
          merged = one;
          continue;
        }
        for (String list : List.of("clusters", "contexts", "users")) {
          ((ArrayNode) merged.get(list)).addAll((ArrayNode) one.get(list));
        }
      }
      Path file = Files.createTempFile("fleet-kubeconfig", ".yaml");
      yaml.writeValue(file.toFile(), merged);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    List<AutoCloseable> open = new ArrayList<>();
    if (env != null) {
      open.add(env::close);
    }
    if (clients != null) {
      open.add(clients);
    }
    if (keepAlive != null) {
      open.add(keepAlive::close);
    }
    open.addAll(planes.values());
    env = null;
    clients = null;
    keepAlive = null;
    planes.clear();
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing the rest matters more than one failure to close.
      }
    }
    if (kubeconfig != null) {
      try {
        Files.deleteIfExists(kubeconfig);
      } catch (IOException e) {
        // A temporary file left behind.
      }
    }
  }
}
